import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { CaseAuthor } from '../domain/case-author';
import type { CaseNeedDocument } from './case-need.entity';

export const CASE_NEEDS_COLLECTION = 'case_needs';
/** One document per active need, keyed `<referralId>|<code>`: the unique _id keeps one active entry per code. */
export const CASE_NEEDS_ACTIVE_COLLECTION = 'case_needs_active';

interface ActiveNeedLock {
  _id: string;
  needId: string;
}

const activeKey = (referralId: string, code: string): string => `${referralId}|${code}`;

/**
 * The case's coded needs over time (collection `case_needs`): codes and times, no free text.
 * Which need of a code is active is kept by a lock document per (referral, code), inserted with
 * the need and deleted when it is resolved, in the same transaction: two workers adding the same
 * need at once make one entry (the other insert fails on the lock's _id). A lock rather than a
 * unique partial index on the need: the local SecantusDB keeps a unique index's old key after an
 * update changes or removes the indexed field, so a resolved code could never be raised again.
 */
@Injectable()
export class CaseNeedRepository implements OnModuleInit {
  private readonly needs: Collection<CaseNeedDocument>;
  private readonly active: Collection<ActiveNeedLock>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.needs = collectionOf<CaseNeedDocument>(connection, CASE_NEEDS_COLLECTION);
    this.active = collectionOf<ActiveNeedLock>(connection, CASE_NEEDS_ACTIVE_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.needs.createIndex({ referralId: 1, addedAt: 1 }, { name: 'by_referral' });
  }

  /** Inserts an active need and its lock; a duplicate-key error when the code is already active. */
  async insertActive(need: CaseNeedDocument, session: ClientSession): Promise<void> {
    await this.active.insertOne(
      { _id: activeKey(need.referralId, need.code), needId: need._id },
      { session },
    );
    await this.needs.insertOne(need, { session });
  }

  async findActive(
    referralId: string,
    code: string,
    session?: ClientSession,
  ): Promise<CaseNeedDocument | null> {
    const lock = await this.active.findOne({ _id: activeKey(referralId, code) }, { session });
    return lock
      ? this.needs.findOne({ _id: lock.needId, resolvedAt: { $exists: false } }, { session })
      : null;
  }

  /** Resolves the need if it is still at `version` (and frees its code); null otherwise. */
  async resolve(
    need: CaseNeedDocument,
    change: { at: Date; by: CaseAuthor; now: Date },
    session: ClientSession,
  ): Promise<CaseNeedDocument | null> {
    const after = await this.needs.findOneAndUpdate(
      { _id: need._id, version: need.version, resolvedAt: { $exists: false } },
      {
        $set: {
          resolvedAt: change.at,
          resolvedBy: change.by,
          updatedAt: change.now,
          version: need.version + 1,
        },
      },
      { returnDocument: 'after', session },
    );
    if (after) await this.active.deleteOne({ _id: activeKey(need.referralId, need.code) }, { session });
    return after;
  }

  /** The referrals' needs, in the order added. */
  async forReferrals(referralIds: string[]): Promise<CaseNeedDocument[]> {
    if (referralIds.length === 0) return [];
    return this.needs
      .find({ referralId: { $in: referralIds } })
      .sort({ addedAt: 1, _id: 1 })
      .limit(1000 * referralIds.length)
      .toArray();
  }
}
