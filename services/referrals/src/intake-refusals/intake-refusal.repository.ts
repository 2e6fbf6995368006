import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EventEnvelope, ReferralRefusedV1Data } from '@sp/contracts';
import { outboxInsertFields, type OutboxEntry } from '@sp/messaging';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';

/** Collection of the refusals; the outbox relay publishes from it (see app.module.ts). */
export const INTAKE_REFUSALS_COLLECTION = 'intake_refusals';

/** A refusal is the event's facts (codes only, no patient data) with its pending event. */
export type IntakeRefusal = Omit<ReferralRefusedV1Data, 'refusalId' | 'occurredAt'> & { _id: string };

interface IntakeRefusalDocument extends IntakeRefusal {
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending?: boolean;
  outboxRelayPass?: string;
}

/**
 * Referrals refused at intake because their target service could not take them (unmet demand).
 * Each is inserted once, with its `referral.refused` event in its own outbox (one document write),
 * under its refusal id: a retried request with the same Idempotency-Key is a duplicate key and
 * changes nothing.
 */
@Injectable()
export class IntakeRefusalRepository {
  private readonly refusals: Collection<IntakeRefusalDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.refusals = collectionOf<IntakeRefusalDocument>(connection, INTAKE_REFUSALS_COLLECTION);
  }

  async insertOnce(refusal: IntakeRefusal, event: EventEnvelope, now: Date): Promise<'created' | 'exists'> {
    return insertOnce(this.refusals, { ...refusal, createdAt: now, ...outboxInsertFields([event], { now }) });
  }
}
