import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { OpenReferral } from './domain/digest-content';

interface DigestReferralDocument {
  _id: string; // referral id
  /** The organisation it is addressed to (from the notice: the receiving side, resolved). */
  organisationId?: string;
  submittedAt?: string;
  remindedAt?: string;
  respondBy?: string;
  /** Set by any answer or end (accepted, rejected, cancelled, expired...): no longer waiting. */
  answeredAt?: string;
  /** Removed by MongoDB's TTL monitor: a referral unanswered this long has long expired. */
  expireAt: Date;
}

interface DigestRunDocument {
  _id: string; // organisation id
  lastSentAt: Date;
}

const KEEP_DAYS = 60;

/**
 * The digest's read model: referrals addressed to each organisation and whether they are still
 * waiting for its answer (ids and dates only), fed by the notices the organisation receives and
 * by the lifecycle events that answer them. Every write is an idempotent upsert of one field, so
 * the two feeds may arrive in any order and more than once.
 */
@Injectable()
export class DigestReferralsRepository implements OnModuleInit {
  private readonly referrals: Collection<DigestReferralDocument>;
  private readonly runs: Collection<DigestRunDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<DigestReferralDocument>(connection, 'digest_referrals');
    this.runs = collectionOf<DigestRunDocument>(connection, 'digest_runs');
  }

  async onModuleInit(): Promise<void> {
    await this.referrals.createIndex({ organisationId: 1, answeredAt: 1 }, { name: 'by_organisation' });
    await this.referrals.createIndex({ expireAt: 1 }, { name: 'ttl', expireAfterSeconds: 0 });
  }

  private async set(referralId: string, fields: Partial<Omit<DigestReferralDocument, '_id'>>): Promise<void> {
    await this.referrals.updateOne(
      { _id: referralId },
      { $set: fields, $setOnInsert: { expireAt: new Date(Date.now() + KEEP_DAYS * 24 * 3600_000) } },
      { upsert: true },
    );
  }

  async addressed(referralId: string, organisationId: string, submittedAt: string): Promise<void> {
    await this.set(referralId, { organisationId, submittedAt });
  }

  async reminded(referralId: string, organisationId: string, remindedAt: string): Promise<void> {
    await this.set(referralId, { organisationId, remindedAt });
  }

  async deadline(referralId: string, submittedAt: string, respondBy: string): Promise<void> {
    await this.referrals.updateOne(
      { _id: referralId },
      {
        $set: { respondBy },
        $setOnInsert: { submittedAt, expireAt: new Date(Date.now() + KEEP_DAYS * 24 * 3600_000) },
      },
      { upsert: true },
    );
  }

  async answered(referralId: string, answeredAt: string): Promise<void> {
    await this.set(referralId, { answeredAt });
  }

  /** Referrals addressed to the organisation that nobody has answered. */
  async openFor(organisationId: string): Promise<OpenReferral[]> {
    const found = await this.referrals
      .find({ organisationId, answeredAt: { $exists: false }, submittedAt: { $exists: true } })
      .limit(500)
      .toArray();
    return found.map((d) => ({
      referralId: d._id,
      submittedAt: d.submittedAt!,
      ...(d.remindedAt ? { remindedAt: d.remindedAt } : {}),
      ...(d.respondBy ? { respondBy: d.respondBy } : {}),
    }));
  }

  async lastSentAt(organisationId: string): Promise<Date | undefined> {
    return (await this.runs.findOne({ _id: organisationId }))?.lastSentAt;
  }

  async recordSent(organisationId: string, at: Date): Promise<void> {
    await this.runs.updateOne({ _id: organisationId }, { $set: { lastSentAt: at } }, { upsert: true });
  }
}
