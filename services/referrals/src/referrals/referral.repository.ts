import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EventEnvelope } from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { outboxUpdate, withDocumentLock } from '@sp/messaging';
import { BatchedInserter, collectionOf, isDuplicateKeyError, MONGO_CONNECTION } from '@sp/persistence';
import type { ReferralDocument, ReferralHistoryEntry } from './referral.entity';

/** A change to one referral: new field values, history entries and the events that report it. */
export interface ReferralChange {
  set: Partial<Omit<ReferralDocument, '_id' | 'version' | 'history' | 'outbox'>>;
  /** Version is filled in by the repository (the version after the change). */
  history: Omit<ReferralHistoryEntry, 'version'>[];
  events: EventEnvelope[];
}

/** A decision taken on the current document; `undefined` means nothing to change. */
export type ChangeDecision = (current: ReferralDocument) => ReferralChange | undefined;

const WITHOUT_OUTBOX = { projection: { outbox: 0 } } as const;

/** Referrals with their history and pending events, each change one single-document write. */
@Injectable()
export class ReferralRepository implements OnModuleInit {
  readonly referrals: Collection<ReferralDocument>;
  /** New referrals from concurrent requests share one insert (group commit; each still awaits its own). */
  private readonly inserter: BatchedInserter<ReferralDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<ReferralDocument>(connection, 'referrals');
    this.inserter = new BatchedInserter(this.referrals);
  }

  async onModuleInit(): Promise<void> {
    // One referral per (practice, Idempotency-Key). FerretDB has no partial indexes, so referrals
    // without a key store a unique placeholder (their own id) in idempotencyKey.
    await this.referrals.createIndex(
      { requesterOrganisationId: 1, idempotencyKey: 1 },
      { unique: true, name: 'unique_idempotency_key' },
    );
    await this.referrals.createIndex({ requesterOrganisationId: 1, createdAt: -1 }, { name: 'by_requester' });
    await this.referrals.createIndex({ ownerOrganisationId: 1, updatedAt: 1 }, { name: 'by_owner' });
    await this.referrals.createIndex({ parentReferralId: 1 }, { name: 'by_parent' });
    // FHIR ServiceRequest?subject:identifier= (one patient's referrals, by pseudonymous key).
    await this.referrals.createIndex({ patientKey: 1, updatedAt: 1 }, { name: 'by_patient' });
  }

  /** Inserts the referral and its events atomically; an existing idempotency key returns the original. */
  async insert(referral: ReferralDocument): Promise<{ created: boolean; referral: ReferralDocument }> {
    try {
      await this.inserter.insert(referral);
      return { created: true, referral };
    } catch (error) {
      if (!isDuplicateKeyError(error) || referral.idempotencyKey.startsWith('auto:')) throw error;
      const original = await this.findByIdempotencyKey(
        referral.requesterOrganisationId,
        referral.idempotencyKey,
      );
      if (!original) throw error;
      return { created: false, referral: original };
    }
  }

  async findByIdempotencyKey(requesterOrganisationId: string, key: string): Promise<ReferralDocument | null> {
    return this.referrals.findOne({ requesterOrganisationId, idempotencyKey: key }, WITHOUT_OUTBOX);
  }

  async findById(id: string): Promise<ReferralDocument | null> {
    return this.referrals.findOne({ _id: id }, WITHOUT_OUTBOX);
  }

  async findMany(ids: string[]): Promise<ReferralDocument[]> {
    if (ids.length === 0) return [];
    return this.referrals
      .find({ _id: { $in: ids } }, WITHOUT_OUTBOX)
      .limit(ids.length)
      .toArray();
  }

  async findChildren(parentId: string): Promise<ReferralDocument[]> {
    return this.referrals
      .find({ parentReferralId: parentId }, WITHOUT_OUTBOX)
      .sort({ createdAt: 1 })
      .limit(1000)
      .toArray();
  }

  async search(
    filter: Filter<ReferralDocument>,
    offset: number,
    count: number,
  ): Promise<{ total: number; items: ReferralDocument[] }> {
    const [total, items] = await Promise.all([
      this.referrals.countDocuments(filter),
      this.referrals
        .find(filter, WITHOUT_OUTBOX)
        .sort({ updatedAt: 1, _id: 1 })
        .skip(offset)
        .limit(count)
        .toArray(),
    ]);
    return { total, items };
  }

  /**
   * Reads the referral and applies `decide`'s change with its history and events in ONE
   * document write, under the per-document lock (FerretDB updates are not isolated) and guarded
   * by the version read (a writer in another process makes it fail with 409, retriable).
   * Returns the referral after the change (unchanged when `decide` returns undefined), or null
   * when there is no such referral.
   */
  async change(
    id: string,
    decide: ChangeDecision,
  ): Promise<{ referral: ReferralDocument; changed: boolean } | null> {
    return withDocumentLock(this.referrals as unknown as Collection<Document>, id, async () => {
      const current = await this.findById(id);
      if (!current) return null;
      const change = decide(current);
      if (!change) return { referral: current, changed: false };
      const version = current.version + 1;
      const history = change.history.map((h) => ({ ...h, version }));
      const result = await this.referrals.updateOne(
        { _id: id, version: current.version },
        outboxUpdate(change.events, {
          merge: {
            $set: { ...change.set, version },
            $push: { history: { $each: history } },
          },
        }) as Document,
      );
      if (result.matchedCount === 0) {
        throw new DomainError(
          'REFERRAL.CONCURRENT_UPDATE',
          'The referral changed while this change was made; retry',
          {
            status: 409,
            retriable: true,
          },
        );
      }
      return {
        referral: {
          ...current,
          ...change.set,
          version,
          history: [...current.history, ...history],
        } as ReferralDocument,
        changed: true,
      };
    });
  }

  /** The referral and all its descendants (onward referrals, their onward referrals...). */
  async tree(root: ReferralDocument): Promise<ReferralDocument[]> {
    const all = [root];
    let frontier = [root];
    while (frontier.length > 0 && all.length < 1000) {
      const ids = frontier.flatMap((r) => r.childReferralIds ?? []);
      frontier = await this.findMany(ids.filter((id) => !all.some((r) => r._id === id)));
      all.push(...frontier);
    }
    return all;
  }
}
