import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import {
  organisationCounterId,
  serviceCounterId,
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

type Target = [id: string, onInsert: Record<string, unknown>];

/**
 * Counter documents per referring organisation and per receiving service. There is deliberately
 * no single platform-wide document: every event would serialise on it (each counter update is a
 * locked exactly-once update), so the platform totals are summed from the organisation counters
 * when read.
 */
@Injectable()
export class ReferralCounterRepository {
  private readonly counters: Collection<ReferralCounterDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.counters = collectionOf<ReferralCounterDocument>(connection, 'referral_counters');
  }

  /**
   * Counts one submitted referral in its organisation and service counters. Each counter is its
   * own exactly-once update, so a crash between the two is healed by the redelivery: the first
   * reports 'duplicate', the second applies.
   */
  countSubmitted(fact: SubmittedFact): Promise<ApplyOutcome[]> {
    return this.apply(fact, {
      $inc: { submitted: 1, [`byPriority.${fact.priority}`]: 1 },
    });
  }

  /** Counts one lifecycle fact (status change, consent withdrawal) in the same counters. */
  countLifecycle(fact: LifecycleFact): Promise<ApplyOutcome[]> {
    return this.apply(fact, countersFor(fact));
  }

  private async apply(
    fact: { eventId: string; requesterOrganisationId: string; targetServiceId?: string; occurredAt: string },
    update: { $inc: Record<string, number> },
  ): Promise<ApplyOutcome[]> {
    const collection = this.counters as unknown as Collection<Document>;
    const targets: Target[] = [
      [organisationCounterId(fact.requesterOrganisationId), { organisationId: fact.requesterOrganisationId }],
    ];
    if (fact.targetServiceId) {
      targets.push([
        serviceCounterId(fact.targetServiceId),
        { organisationId: null, serviceId: fact.targetServiceId },
      ]);
    }
    const outcomes: ApplyOutcome[] = [];
    for (const [id, onInsert] of targets) {
      outcomes.push(
        await applyOnce(
          collection,
          id,
          fact.eventId,
          { ...update, $max: { lastEventAt: fact.occurredAt }, $setOnInsert: onInsert },
          { upsert: true },
        ),
      );
    }
    return outcomes;
  }

  /** Platform totals: the sum of every organisation's counters (null before the first event). */
  async platform(): Promise<ReferralCounterDocument | null> {
    return sumCounters(await this.allOrganisations());
  }

  async forOrganisation(organisationId: string): Promise<ReferralCounterDocument | null> {
    return this.counters.findOne(
      { _id: organisationCounterId(organisationId) },
      { projection: { appliedEventIds: 0 } },
    );
  }

  async forService(serviceId: string): Promise<ReferralCounterDocument | null> {
    return this.counters.findOne(
      { _id: serviceCounterId(serviceId) },
      { projection: { appliedEventIds: 0 } },
    );
  }

  async allOrganisations(): Promise<ReferralCounterDocument[]> {
    return this.counters
      .find({ _id: { $regex: '^org:' } }, { projection: { appliedEventIds: 0 } })
      .sort({ _id: 1 })
      .toArray();
  }
}
