import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { ReferralRecord } from './domain/referral-record';

export type ReferralRecordDocument = ReferralRecord & { _id: string; appliedEventIds?: string[] };

/** Event ids remembered per record: far more than one referral's lifecycle produces. */
const KEEP_APPLIED = 100;

/** `referral_signals`: one record per referral seen on the lifecycle topic (no patient data). */
@Injectable()
export class ReferralRecordRepository implements OnModuleInit {
  readonly collection: Collection<ReferralRecordDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<ReferralRecordDocument>(connection, 'referral_signals');
  }

  async onModuleInit(): Promise<void> {
    await this.collection.createIndex({ serviceId: 1 }, { name: 'by_service' });
  }

  /** Whether the record already reflects the event (its id is among the applied ones). */
  static applied(record: ReferralRecordDocument | null, eventId: string): boolean {
    return record?.appliedEventIds?.includes(eventId) ?? false;
  }

  async find(referralId: string, session?: ClientSession): Promise<ReferralRecordDocument | null> {
    return this.collection.findOne({ _id: referralId }, session ? { session } : {});
  }

  async ofService(serviceId: string, session?: ClientSession): Promise<ReferralRecordDocument[]> {
    return this.collection
      .find({ serviceId }, { projection: { appliedEventIds: 0 }, ...(session ? { session } : {}) })
      .toArray();
  }

  /**
   * Writes the record and remembers the event as applied, in one single-document write inside the
   * caller's transaction (which read the record and decided: see ServiceSignalsUpdater).
   */
  async write(
    eventId: string,
    record: ReferralRecord,
    unset: string[],
    session: ClientSession,
  ): Promise<void> {
    // The record may come from a stored document: never $set its id or the applied-event markers.
    const { _id: _ignoredId, appliedEventIds: _ignoredMarkers, ...fields } = record as ReferralRecordDocument;
    const update: Document = {
      $set: fields,
      $push: { appliedEventIds: { $each: [eventId], $slice: -KEEP_APPLIED } },
    };
    if (unset.length > 0) update['$unset'] = Object.fromEntries(unset.map((f) => [f, '']));
    await this.collection.updateOne({ _id: record.referralId }, update, { upsert: true, session });
  }
}
