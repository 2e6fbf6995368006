import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

/**
 * One organisation's partner stream as this service knows it. Never the password: the broker keeps
 * only a salted SCRAM credential, and the organisation is shown the password once.
 */
export interface PartnerStreamRecord {
  /** The organisation id: one stream per organisation. */
  _id: string;
  /** The current SCRAM user, `partner-<orgId>-<generation>`: a new one per issue and rotation. */
  username: string;
  generation: number;
  topic: string;
  groupPrefix: string;
  mechanism: 'scram-sha-512';
  status: 'active' | 'revoked';
  createdAt: Date;
  /** When the password was last set (creation or rotation). */
  passwordSetAt: Date;
  revokedAt?: Date;
  /** Who asked (API client id or person subject; staff, never patient data). */
  changedBy: string;
}

/** Partner streams, keyed by organisation (collection `partner_streams`). */
@Injectable()
export class PartnerStreamRepository {
  private readonly streams: Collection<PartnerStreamRecord>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.streams = collectionOf<PartnerStreamRecord>(connection, 'partner_streams');
  }

  find(organisationId: string): Promise<PartnerStreamRecord | null> {
    return this.streams.findOne({ _id: organisationId });
  }

  async findActive(organisationId: string): Promise<PartnerStreamRecord | null> {
    return this.streams.findOne({ _id: organisationId, status: 'active' });
  }

  /** Written once the broker has the topic, the user and the ACLs. */
  async activate(
    record: Omit<PartnerStreamRecord, 'status' | 'createdAt' | 'revokedAt'>,
  ): Promise<PartnerStreamRecord> {
    const now = new Date();
    const updated = await this.streams.findOneAndUpdate(
      { _id: record._id },
      {
        $set: { ...record, status: 'active' },
        $setOnInsert: { createdAt: now },
        $unset: { revokedAt: '' },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return updated!;
  }

  /** The new generation's user replaces the old one (only if nobody rotated or revoked meanwhile). */
  async rotated(
    organisationId: string,
    from: number,
    to: { username: string; generation: number },
    at: Date,
    changedBy: string,
  ): Promise<boolean> {
    const result = await this.streams.updateOne(
      { _id: organisationId, status: 'active', generation: from },
      { $set: { ...to, passwordSetAt: at, changedBy } },
    );
    return result.modifiedCount === 1;
  }

  async revoked(organisationId: string, at: Date, changedBy: string): Promise<void> {
    await this.streams.updateOne(
      { _id: organisationId },
      { $set: { status: 'revoked', revokedAt: at, changedBy } },
    );
  }
}
