import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { WellbeingMeasureDocument } from './wellbeing-measure.entity';

export const CASE_WELLBEING_COLLECTION = 'case_wellbeing_measures';

/** Wellbeing measures (collection `case_wellbeing_measures`). */
@Injectable()
export class WellbeingMeasureRepository implements OnModuleInit, RedactablePart {
  private readonly measures: Collection<WellbeingMeasureDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.measures = collectionOf<WellbeingMeasureDocument>(connection, CASE_WELLBEING_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.measures.createIndex({ referralId: 1, takenAt: 1 }, { name: 'by_referral' });
  }

  async insert(measure: WellbeingMeasureDocument, session: ClientSession): Promise<void> {
    await this.measures.insertOne(measure, { session });
  }

  /** The referral's measures in the order taken. */
  async forReferral(referralId: string, session?: ClientSession): Promise<WellbeingMeasureDocument[]> {
    return this.measures
      .find({ referralId }, { session })
      .sort({ takenAt: 1, createdAt: 1, _id: 1 })
      .limit(1000)
      .toArray();
  }

  /** MYCaW concern descriptions removed (scores, instruments, times kept), every measure marked. */
  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    await this.measures.updateMany(
      { referralId: { $in: referralIds }, redactedAt: { $exists: false } },
      {
        $unset: { 'scores.concern1.description': '', 'scores.concern2.description': '' },
        $set: { redactedAt: now, updatedAt: now },
        $inc: { version: 1 },
      },
      { session },
    );
  }
}
