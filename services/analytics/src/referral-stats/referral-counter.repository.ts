import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import {
  organisationCounterId,
  PLATFORM_COUNTER_ID,
  type ReferralCounterDocument,
} from './referral-counter.entity';

export interface SubmittedFact {
  eventId: string;
  requesterOrganisationId: string;
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
    return [
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
      .find({ _id: { $ne: PLATFORM_COUNTER_ID } }, { projection: { appliedEventIds: 0 } })
      .sort({ _id: 1 })
      .toArray();
  }
}
