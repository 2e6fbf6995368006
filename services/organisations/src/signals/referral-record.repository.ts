import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { ReferralRecord } from './domain/referral-record';

export type ReferralRecordDocument = ReferralRecord & { _id: string; appliedEventIds?: string[] };

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

  async find(referralId: string): Promise<ReferralRecordDocument | null> {
    return this.collection.findOne({ _id: referralId });
  }

  async ofService(serviceId: string): Promise<ReferralRecordDocument[]> {
    return this.collection.find({ serviceId }, { projection: { appliedEventIds: 0 } }).toArray();
  }

  /** Writes the record once per event id (a redelivered event changes nothing). */
  async save(eventId: string, record: ReferralRecord, unset: string[] = []): Promise<ApplyOutcome> {
    // The record may come from a stored document: never $set its id or the applied-event markers.
    const { _id: _ignoredId, appliedEventIds: _ignoredMarkers, ...fields } = record as ReferralRecordDocument;
    const update: Document = { $set: fields };
    if (unset.length > 0) update['$unset'] = Object.fromEntries(unset.map((f) => [f, '']));
    return applyOnce(this.collection as unknown as Collection<Document>, record.referralId, eventId, update, {
      upsert: true,
    });
  }
}
