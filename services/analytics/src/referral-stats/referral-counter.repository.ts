import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import {
  organisationCounterId,
  PLATFORM_COUNTER_ID,
  serviceCounterId,
  type ReferralCounterDocument,
} from './referral-counter.entity';
import { countersFor, type LifecycleFact } from './lifecycle-fact';

export interface SubmittedFact {
  eventId: string;
  requesterOrganisationId: string;
  targetServiceId?: string;
  priority: string;
  occurredAt: string;
}

@Injectable()
export class ReferralCounterRepository {
  private readonly counters: Collection<ReferralCounterDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.counters = collectionOf<ReferralCounterDocument>(connection, 'referral_counters');
  }

  /**
   * Counts one submitted referral in the platform and organisation counters. Each counter is
   * its own exactly-once update, so a crash between the two is healed by the redelivery: the
   * first reports 'duplicate', the second applies.
   */
  async countSubmitted(fact: SubmittedFact): Promise<ApplyOutcome[]> {
    const update = {
      $inc: { submitted: 1, [`byPriority.${fact.priority}`]: 1 },
      $max: { lastEventAt: fact.occurredAt },
    };
    const collection = this.counters as unknown as Collection<Document>;
    const outcomes = [
      await applyOnce(
        collection,
        PLATFORM_COUNTER_ID,
        fact.eventId,
        { ...update, $setOnInsert: { organisationId: null } },
        { upsert: true },
      ),
      await applyOnce(
        collection,
        organisationCounterId(fact.requesterOrganisationId),
        fact.eventId,
        { ...update, $setOnInsert: { organisationId: fact.requesterOrganisationId } },
        { upsert: true },
      ),
    ];
    if (fact.targetServiceId) {
      outcomes.push(
        await applyOnce(
          collection,
          serviceCounterId(fact.targetServiceId),
          fact.eventId,
          { ...update, $setOnInsert: { organisationId: null, serviceId: fact.targetServiceId } },
          { upsert: true },
        ),
      );
    }
    return outcomes;
  }

  /**
   * Counts one lifecycle fact (status change, consent withdrawal) in the platform, requesting
   * organisation and receiving service counters, each an exactly-once update of its own document.
   */
  async countLifecycle(fact: LifecycleFact): Promise<ApplyOutcome[]> {
    const update = countersFor(fact);
    const collection = this.counters as unknown as Collection<Document>;
    const targets: Array<[string, Record<string, unknown>]> = [
      [PLATFORM_COUNTER_ID, { organisationId: null }],
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

  async forService(serviceId: string): Promise<ReferralCounterDocument | null> {
    return this.counters.findOne(
      { _id: serviceCounterId(serviceId) },
      { projection: { appliedEventIds: 0 } },
    );
  }

  async platform(): Promise<ReferralCounterDocument | null> {
    return this.counters.findOne({ _id: PLATFORM_COUNTER_ID }, { projection: { appliedEventIds: 0 } });
  }

  async forOrganisation(organisationId: string): Promise<ReferralCounterDocument | null> {
    return this.counters.findOne(
      { _id: organisationCounterId(organisationId) },
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
