import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  AnyBulkWriteOperation,
  ClientSession,
  Collection,
  MongoClient,
  TransactionOptions,
} from 'mongodb';
import type { Connection } from 'mongoose';
import type { ApplyOutcome } from '@sp/messaging';
import { collectionOf, GroupCommit, isDuplicateKeyError, MONGO_CONNECTION } from '@sp/persistence';
import {
  organisationCounterId,
  serviceCounterId,
  type AppliedEventDocument,
  type ReferralCounterDocument,
} from './referral-counter.entity';
import { countersFor, type LifecycleFact } from './lifecycle-fact';
import { sumCounters } from './sum-counters';

export interface SubmittedFact {
  eventId: string;
  requesterOrganisationId: string;
  targetServiceId?: string;
  priority: string;
  occurredAt: string;
}

/** Where an event came from: the partition of the lifecycle topic picks the counters' shard. */
export interface EventOrigin {
  partition: number;
}

/**
 * How long an applied event's marker is kept. Far longer than the lifecycle topic's retention
 * (7 days), so no redelivery or replay of a retained event can be counted twice.
 */
export const APPLIED_EVENT_TTL_SECONDS = 30 * 24 * 3600;

const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/**
 * Attempts of one event whose transaction lost a race for a new counter document (a duplicate key
 * that is not its own marker) before its error is handed to the consumer's retry policy.
 */
const RACE_RETRIES = 3;

const WITHOUT_ID_LISTS = { projection: { appliedEventIds: 0 } } as const;

/** One event to count: its marker, the counters it changes, and (once written) what happened. */
interface Counting {
  eventId: string;
  writes: AnyBulkWriteOperation<ReferralCounterDocument>[];
  outcome?: ApplyOutcome;
}

/**
 * Counter documents per referring organisation and per receiving service, sharded by partition
 * (see referral-counter.entity.ts). Each event is counted exactly once: its marker (the event id,
 * unique) and its increments are written in ONE transaction, so a redelivered event, by this or
 * another member of the group, finds its marker and changes nothing, however long after the first
 * delivery (up to APPLIED_EVENT_TTL_SECONDS). There is deliberately no single platform-wide
 * document: every event would update it, so every consumer would queue on it; platform totals are
 * summed on read.
 */
@Injectable()
export class ReferralCounterRepository implements OnModuleInit {
  private readonly client: MongoClient;
  private readonly counters: Collection<ReferralCounterDocument>;
  private readonly applied: Collection<AppliedEventDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.client = connection.getClient() as unknown as MongoClient;
    this.counters = collectionOf<ReferralCounterDocument>(connection, 'referral_counters');
    this.applied = collectionOf<AppliedEventDocument>(connection, 'applied_events');
  }

  async onModuleInit(): Promise<void> {
    await this.counters.createIndex({ organisationId: 1 }, { name: 'by_organisation' });
    await this.counters.createIndex({ serviceId: 1 }, { name: 'by_service', sparse: true });
    await this.applied.createIndex(
      { appliedAt: 1 },
      { name: 'expire_markers', expireAfterSeconds: APPLIED_EVENT_TTL_SECONDS },
    );
  }

  /** Counts one submitted referral in its organisation's and its service's counters. */
  countSubmitted(fact: SubmittedFact, origin: EventOrigin): Promise<ApplyOutcome> {
    return this.apply(fact, origin, { $inc: { submitted: 1, [`byPriority.${fact.priority}`]: 1 } });
  }

  /** Counts one lifecycle fact (status change, consent withdrawal) in the same counters. */
  countLifecycle(fact: LifecycleFact, origin: EventOrigin): Promise<ApplyOutcome> {
    return this.apply(fact, origin, countersFor(fact));
  }

  private async apply(
    fact: { eventId: string; requesterOrganisationId: string; targetServiceId?: string; occurredAt: string },
    origin: EventOrigin,
    update: { $inc: Record<string, number> },
  ): Promise<ApplyOutcome> {
    const targets: Array<[id: string, onInsert: Record<string, unknown>]> = [
      [
        organisationCounterId(fact.requesterOrganisationId, origin.partition),
        { organisationId: fact.requesterOrganisationId },
      ],
    ];
    if (fact.targetServiceId) {
      targets.push([
        serviceCounterId(fact.targetServiceId, origin.partition),
        { organisationId: null, serviceId: fact.targetServiceId },
      ]);
    }
    const counting: Counting = {
      eventId: fact.eventId,
      writes: targets.map(([id, onInsert]) => ({
        updateOne: {
          filter: { _id: id },
          update: { ...update, $max: { lastEventAt: fact.occurredAt }, $setOnInsert: onInsert },
          upsert: true,
        },
      })),
    };
    await this.commits.submit([counting]);
    return counting.outcome!;
  }

  /**
   * Events counted at the same time (one per partition being consumed) share one transaction: one
   * insert of their markers, one bulk write of their increments, one commit. The markers' unique
   * ids make a redelivered event fail the insert (and so abort the transaction): the batch is then
   * counted event by event, each checking its marker first.
   */
  private readonly commits = new GroupCommit<Counting>(
    async (requests) => {
      const batch = requests.flat();
      try {
        await this.inTransaction((session) => this.countAll(batch, session, new Set()));
        return requests.map(() => undefined);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return Promise.all(
          batch.map((c) =>
            this.countOne(c).then(
              () => undefined,
              (e: unknown) => e,
            ),
          ),
        );
      }
    },
    { maxBatch: 50, maxInFlight: 2 },
  );

  /** Inserts the markers of the events not in `seen` and applies their increments, in `session`. */
  private async countAll(batch: Counting[], session: ClientSession, seen: Set<string>): Promise<void> {
    const fresh = new Map<string, Counting>();
    for (const c of batch) {
      const first = !seen.has(c.eventId) && !fresh.has(c.eventId);
      if (first) fresh.set(c.eventId, c);
      c.outcome = first ? 'applied' : 'duplicate';
    }
    if (fresh.size === 0) return;
    const appliedAt = new Date();
    await this.applied.insertMany(
      [...fresh.keys()].map((_id) => ({ _id, appliedAt })),
      { session },
    );
    await this.counters.bulkWrite(
      [...fresh.values()].flatMap((c) => c.writes),
      { session, ordered: true },
    );
  }

  /**
   * One event in its own transaction, its marker read first (inside a transaction a duplicate-key
   * error would abort it); retried when it lost a race for a new counter document.
   */
  private async countOne(counting: Counting): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.inTransaction(async (session) => {
          const marked = await this.applied.findOne(
            { _id: counting.eventId },
            { session, projection: { _id: 1 } },
          );
          await this.countAll([counting], session, new Set(marked ? [counting.eventId] : []));
        });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (await this.applied.findOne({ _id: counting.eventId }, { projection: { _id: 1 } })) {
          counting.outcome = 'duplicate';
          return;
        }
        if (attempt >= RACE_RETRIES) throw error;
      }
    }
  }

  /** The driver retries the whole function on a write conflict (TransientTransactionError). */
  private inTransaction(fn: (session: ClientSession) => Promise<void>): Promise<void> {
    return this.client.withSession((session) =>
      session.withTransaction(() => fn(session), TRANSACTION_OPTIONS),
    );
  }

  /** Platform totals: the sum of every organisation's counters (null before the first event). */
  async platform(): Promise<ReferralCounterDocument | null> {
    return sumCounters(
      await this.counters.find({ organisationId: { $type: 'string' } }, WITHOUT_ID_LISTS).toArray(),
    );
  }

  async forOrganisation(organisationId: string): Promise<ReferralCounterDocument | null> {
    return sumCounters(await this.counters.find({ organisationId }, WITHOUT_ID_LISTS).toArray(), {
      _id: `org:${organisationId}`,
      organisationId,
    });
  }

  async forService(serviceId: string): Promise<ReferralCounterDocument | null> {
    return sumCounters(await this.counters.find({ serviceId }, WITHOUT_ID_LISTS).toArray(), {
      _id: `svc:${serviceId}`,
      organisationId: null,
      serviceId,
    });
  }

  /** Every organisation's counters (its shards summed), by organisation id. */
  async allOrganisations(): Promise<ReferralCounterDocument[]> {
    const shards = await this.counters
      .find({ organisationId: { $type: 'string' } }, WITHOUT_ID_LISTS)
      .sort({ organisationId: 1 })
      .toArray();
    const byOrganisation = new Map<string, ReferralCounterDocument[]>();
    for (const shard of shards) {
      const id = shard.organisationId as string;
      byOrganisation.set(id, [...(byOrganisation.get(id) ?? []), shard]);
    }
    return [...byOrganisation].map(([organisationId, docs]) =>
      sumCounters(docs, { _id: `org:${organisationId}`, organisationId })!,
    );
  }
}
