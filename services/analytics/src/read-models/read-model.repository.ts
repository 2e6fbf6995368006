import type { Document, Filter } from 'mongodb';
import type { CapacitySample, ReferralFact, RefusalFact } from './domain/referral-fact';
import { VERSIONS_FIELD } from './domain/fact-updates';
import { capacityScopeFilter, scopeFilter } from './domain/scope-filter';
import type { FactStore } from './facts.repository';
import type { GenerationStore } from './generations.repository';
import type { FactScope, Period, ReadModelReader } from './read-model.reader';

/** Bookkeeping fields that are not part of the facts. */
const NOT_FACTS = { _id: 0, [VERSIONS_FIELD]: 0 } as const;

const inPeriod = (period: Period) => ({ $gte: period.from, $lt: period.to });

/**
 * The reports' questions, answered from the ACTIVE generation (read per call from the cached
 * generation state, so a switch takes effect within a refresh).
 */
export class GenerationReadModel implements ReadModelReader {
  constructor(
    private readonly generations: GenerationStore,
    private readonly facts: FactStore,
  ) {}

  async referralFacts(period: Period, scope: FactScope): Promise<ReferralFact[]> {
    const scoped = scopeFilter(scope);
    if (scoped === null) return [];
    const { active } = await this.generations.current();
    const filter: Filter<Document> = {
      submittedAt: inPeriod(period),
      enteredInErrorAt: { $exists: false },
      ...scoped,
    };
    return this.facts
      .collection<ReferralFact & Document>(active, 'referral_facts')
      .find(filter, { projection: NOT_FACTS, sort: { submittedAt: 1, referralId: 1 } })
      .toArray() as Promise<ReferralFact[]>;
  }

  async refusals(period: Period, scope: FactScope): Promise<RefusalFact[]> {
    const scoped = scopeFilter(scope);
    if (scoped === null) return [];
    const { active } = await this.generations.current();
    return this.facts
      .collection<RefusalFact & Document>(active, 'refusals')
      .find(
        { occurredAt: inPeriod(period), ...scoped },
        { projection: NOT_FACTS, sort: { occurredAt: 1, refusalId: 1 } },
      )
      .toArray() as Promise<RefusalFact[]>;
  }

  async capacitySamples(period: Period, scope: FactScope): Promise<CapacitySample[]> {
    const scoped = capacityScopeFilter(scope);
    if (scoped === null) return [];
    const { active } = await this.generations.current();
    const samples = this.facts.collection<CapacitySample & Document>(active, 'capacity_samples');
    const [during, before] = await Promise.all([
      samples
        .find({ occurredAt: inPeriod(period), ...scoped }, { projection: NOT_FACTS })
        .toArray() as Promise<CapacitySample[]>,
      // Each service's last sample before the period: its state when the period began.
      samples
        .aggregate<CapacitySample>([
          { $match: { occurredAt: { $lt: period.from }, ...scoped } },
          { $sort: { serviceId: 1, occurredAt: -1, eventId: -1 } },
          { $group: { _id: '$serviceId', sample: { $first: '$$ROOT' } } },
          { $replaceRoot: { newRoot: '$sample' } },
          { $project: NOT_FACTS },
        ])
        .toArray(),
    ]);
    return [...before, ...during].sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.eventId.localeCompare(b.eventId),
    );
  }
}
