import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, isDuplicateKeyError, MONGO_CONNECTION } from '@sp/persistence';
import type { ReferralDocument } from './referral.entity';

/** Referrals with their history and pending events, each change one single-document write. */
@Injectable()
export class ReferralRepository implements OnModuleInit {
  readonly referrals: Collection<ReferralDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<ReferralDocument>(connection, 'referrals');
  }

  async onModuleInit(): Promise<void> {
    // One referral per (practice, Idempotency-Key). FerretDB has no partial indexes, so referrals
    // without a key store a unique placeholder (their own id) in idempotencyKey.
    await this.referrals.createIndex(
      { requesterOrganisationId: 1, idempotencyKey: 1 },
      { unique: true, name: 'unique_idempotency_key' },
    );
    await this.referrals.createIndex({ requesterOrganisationId: 1, createdAt: -1 }, { name: 'by_requester' });
  }

  /** Inserts the referral and its events atomically; an existing idempotency key returns the original. */
  async insert(referral: ReferralDocument): Promise<{ created: boolean; referral: ReferralDocument }> {
    try {
      await this.referrals.insertOne(referral);
      return { created: true, referral };
    } catch (error) {
      if (!isDuplicateKeyError(error) || referral.idempotencyKey.startsWith('auto:')) throw error;
      const original = await this.referrals.findOne({
        requesterOrganisationId: referral.requesterOrganisationId,
        idempotencyKey: referral.idempotencyKey,
      });
      if (!original) throw error;
      return { created: false, referral: original };
    }
  }

  async findById(id: string): Promise<ReferralDocument | null> {
    return this.referrals.findOne({ _id: id }, { projection: { outbox: 0 } });
  }
}
