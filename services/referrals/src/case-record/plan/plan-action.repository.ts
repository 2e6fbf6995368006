import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { PlanActionDocument } from './plan-action.entity';

export const CASE_PLAN_ACTIONS_COLLECTION = 'case_plan_actions';

/** The support plans' actions (collection `case_plan_actions`). */
@Injectable()
export class PlanActionRepository implements OnModuleInit, RedactablePart {
  private readonly actions: Collection<PlanActionDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.actions = collectionOf<PlanActionDocument>(connection, CASE_PLAN_ACTIONS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.actions.createIndex({ referralId: 1, createdAt: 1 }, { name: 'by_referral' });
    await this.actions.createIndex({ organisationId: 1, referralId: 1 }, { name: 'by_organisation' });
  }

  async insert(action: PlanActionDocument, session: ClientSession): Promise<void> {
    await this.actions.insertOne(action, { session });
  }

  async findOne(referralId: string, id: string, session?: ClientSession): Promise<PlanActionDocument | null> {
    return this.actions.findOne({ _id: id, referralId }, { session });
  }

  /** The referrals' actions, oldest first. */
  async forReferrals(referralIds: string[], session?: ClientSession): Promise<PlanActionDocument[]> {
    if (referralIds.length === 0) return [];
    return this.actions
      .find({ referralId: { $in: referralIds } }, { session })
      .sort({ createdAt: 1, _id: 1 })
      .limit(1000 * referralIds.length)
      .toArray();
  }

  /** Referral ids with at least one action, of an organisation (optionally among `referralIds`). */
  async referralsWithPlan(organisationId: string, referralIds?: string[]): Promise<string[]> {
    const ids = await this.actions.distinct('referralId', {
      organisationId,
      ...(referralIds ? { referralId: { $in: referralIds } } : {}),
    });
    return (ids as string[]).sort();
  }

  /** The change if the action is still at `version`; null when another writer changed it first. */
  async change(
    id: string,
    version: number,
    set: Partial<PlanActionDocument>,
    session: ClientSession,
  ): Promise<PlanActionDocument | null> {
    return this.actions.findOneAndUpdate(
      { _id: id, version, redactedAt: { $exists: false } },
      { $set: { ...set, version: version + 1 } },
      { returnDocument: 'after', session },
    );
  }

  /** Descriptions and owner display texts removed (owner kind and ids, dates, statuses kept). */
  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    await this.actions.updateMany(
      { referralId: { $in: referralIds }, redactedAt: { $exists: false } },
      {
        $unset: { description: '', 'owner.display': '' },
        $set: { redactedAt: now, updatedAt: now },
        $inc: { version: 1 },
      },
      { session },
    );
  }
}
