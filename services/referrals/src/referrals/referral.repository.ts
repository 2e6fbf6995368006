import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection, Document, Filter, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EventEnvelope } from '@sp/contracts';
import { outboxUpdate } from '@sp/messaging';
import {
  BatchedInserter,
  collectionOf,
  inTransaction,
  isDuplicateKeyError,
  MONGO_CONNECTION,
} from '@sp/persistence';
import { ReferralErrors } from './referral-errors';
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

export interface ChangeOptions {
  /** Read and write inside this transaction (see `inTransaction`). */
  session?: ClientSession;
  /**
   * Decide on this copy of the referral instead of reading it again (the caller has just read it,
   * in the same session if any). The version condition still guards the write.
   */
  basedOn?: ReferralDocument;
  /**
   * The version the client sent in If-Match: losing the race for it is a 412 (the client's
   * precondition failed) instead of a 409.
   */
  expectedVersion?: number;
}

/** Unique (requester, Idempotency-Key) among referrals that have a key; others have none. */
export const IDEMPOTENCY_INDEX = 'unique_idempotency_key_when_given';
/** The index it replaces (every referral held a key, `auto:<id>` when the client sent none). */
const LEGACY_IDEMPOTENCY_INDEX = 'unique_idempotency_key';

const WITHOUT_OUTBOX = { projection: { outbox: 0 } } as const;

/**
 * Referrals with their history and pending events. Every change of one referral is one
 * single-document update guarded by the version it was decided on (optimistic concurrency: of two
 * writers deciding on the same version, in any number of processes, exactly one wins). A use case
 * that changes several referrals together runs those changes in one transaction.
 */
@Injectable()
export class ReferralRepository implements OnModuleInit {
  readonly referrals: Collection<ReferralDocument>;
  private readonly client: MongoClient;
  /** New referrals from concurrent requests share one insert (group commit; each still awaits its own). */
  private readonly inserter: BatchedInserter<ReferralDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<ReferralDocument>(connection, 'referrals');
    this.client = connection.getClient();
    this.inserter = new BatchedInserter(this.referrals);
  }

  async onModuleInit(): Promise<void> {
    // One referral per (practice, Idempotency-Key). Referrals sent without a key have no
    // idempotencyKey field and are not in the index. The new index is built before the old one
    // goes, so uniqueness holds throughout (MongoDB allows both: their partial filters differ);
    // referrals stored earlier with an `auto:<id>` placeholder stay valid (unique strings).
    await this.referrals.createIndex(
      { requesterOrganisationId: 1, idempotencyKey: 1 },
      {
        unique: true,
        name: IDEMPOTENCY_INDEX,
        partialFilterExpression: { idempotencyKey: { $type: 'string' } },
      },
    );
    await this.referrals.dropIndex(LEGACY_IDEMPOTENCY_INDEX).catch((error: unknown) => {
      if ((error as { codeName?: unknown }).codeName !== 'IndexNotFound') throw error;
    });
    await this.referrals.createIndex({ requesterOrganisationId: 1, createdAt: -1 }, { name: 'by_requester' });
    await this.referrals.createIndex({ ownerOrganisationId: 1, updatedAt: 1 }, { name: 'by_owner' });
    await this.referrals.createIndex({ parentReferralId: 1 }, { name: 'by_parent' });
    // FHIR ServiceRequest?subject:identifier= (one patient's referrals, by pseudonymous key).
    await this.referrals.createIndex({ patientKey: 1, updatedAt: 1 }, { name: 'by_patient' });
  }

  /**
   * Runs `fn` in one multi-document transaction and returns its result once committed. The driver
   * retries the whole function on TransientTransactionError (a write conflict with a concurrent
   * writer) and the commit on UnknownTransactionCommitResult, so `fn` may run more than once: it
   * must read and write only through `session` and leave side effects outside the database (jobs,
   * relay kicks) to the caller, after this resolves.
   */
  async inTransaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    // Snapshot reads (one consistent state of every referral touched), majority commit.
    return inTransaction(this.client, fn);
  }

  /** Inserts the referral and its events atomically; an existing idempotency key returns the original. */
  async insert(referral: ReferralDocument): Promise<{ created: boolean; referral: ReferralDocument }> {
    try {
      await this.inserter.insert(referral);
      return { created: true, referral };
    } catch (error) {
      if (!isDuplicateKeyError(error) || referral.idempotencyKey === undefined) throw error;
      const original = await this.findByIdempotencyKey(
        referral.requesterOrganisationId,
        referral.idempotencyKey,
      );
      if (!original) throw error;
      return { created: false, referral: original };
    }
  }

  /** Inserts referrals that are created together, inside `session`'s transaction (all or none). */
  async insertAll(referrals: ReferralDocument[], session: ClientSession): Promise<void> {
    await this.referrals.insertMany(referrals, { session });
  }

  /**
   * The referral a practice created with this key. The filter repeats the index's partial filter
   * (`$type: 'string'`) so any planner may use the partial index, and the hint names it because
   * some MongoDB-compatible engines do not choose a partial index by themselves.
   */
  async findByIdempotencyKey(
    requesterOrganisationId: string,
    key: string,
    session?: ClientSession,
  ): Promise<ReferralDocument | null> {
    return this.referrals.findOne(
      { requesterOrganisationId, idempotencyKey: { $eq: key, $type: 'string' } },
      { ...WITHOUT_OUTBOX, hint: IDEMPOTENCY_INDEX, ...(session ? { session } : {}) },
    );
  }

  async findById(id: string, session?: ClientSession): Promise<ReferralDocument | null> {
    return this.referrals.findOne({ _id: id }, { ...WITHOUT_OUTBOX, session });
  }

  async findMany(ids: string[], session?: ClientSession): Promise<ReferralDocument[]> {
    if (ids.length === 0) return [];
    return this.referrals
      .find({ _id: { $in: ids } }, { ...WITHOUT_OUTBOX, session })
      .limit(ids.length)
      .toArray();
  }

  async findChildren(parentId: string, session?: ClientSession): Promise<ReferralDocument[]> {
    return this.referrals
      .find({ parentReferralId: parentId }, { ...WITHOUT_OUTBOX, session })
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
   * Applies `decide`'s change to the referral as read (or as given in `basedOn`), with its history
   * and events, in ONE document update conditioned on the version decided on. If another writer
   * changed the referral in between, nothing is written and the caller gets 409
   * REFERRAL.CONCURRENT_UPDATE (retriable), or 412 REFERRAL.VERSION_MISMATCH when it named the
   * version it expected. Inside a transaction, such a conflict is a WriteConflict instead, which
   * `inTransaction` retries from a fresh snapshot.
   *
   * Returns the referral after the change (unchanged when `decide` returns undefined), or null
   * when there is no such referral.
   */
  async change(
    id: string,
    decide: ChangeDecision,
    opts: ChangeOptions = {},
  ): Promise<{ referral: ReferralDocument; changed: boolean } | null> {
    const { session } = opts;
    const current = opts.basedOn ?? (await this.findById(id, session));
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
      { session },
    );
    if (result.matchedCount === 0) {
      throw opts.expectedVersion !== undefined
        ? ReferralErrors.changedSince(opts.expectedVersion)
        : ReferralErrors.concurrentUpdate();
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
  }

  /**
   * Case record: the support plan's next due moment (the end of the earliest due day of an open
   * action; absent when none is open), kept in step with the plan's actions inside `session`'s
   * transaction. A denormalised query field: not part of the referral's version or history.
   */
  async setPlanNextDueAt(id: string, at: Date | undefined, session: ClientSession): Promise<void> {
    await this.referrals.updateOne(
      { _id: id },
      at === undefined ? { $unset: { planNextDueAt: '' } } : { $set: { planNextDueAt: at } },
      { session },
    );
  }

  /**
   * Takes the referral for a case-record write inside `session`'s transaction, unless consent was
   * withdrawn: an increment of `caseRecordWrites` (no version change, no history, no event).
   * Consent withdrawal writes the referral in its own transaction, so the two conflict and one is
   * retried on a fresh snapshot: a case-record entry is either seen (and redacted) by the
   * withdrawal or refused after it, never left behind with its free text. False when consent was
   * withdrawn or there is no such referral.
   */
  async holdForCaseRecordWrite(id: string, session: ClientSession): Promise<boolean> {
    const result = await this.referrals.updateOne(
      { _id: id, 'consent.withdrawnAt': { $exists: false } } as Filter<ReferralDocument>,
      { $inc: { caseRecordWrites: 1 } },
      { session },
    );
    return result.matchedCount === 1;
  }

  /** The referral and all its descendants (onward referrals, their onward referrals...). */
  async tree(root: ReferralDocument, session?: ClientSession): Promise<ReferralDocument[]> {
    const all = [root];
    const seen = new Set([root._id]);
    let frontier = [root];
    while (frontier.length > 0 && all.length < 1000) {
      const ids = frontier.flatMap((r) => r.childReferralIds ?? []).filter((id) => !seen.has(id));
      frontier = await this.findMany(ids, session);
      for (const r of frontier) seen.add(r._id);
      all.push(...frontier);
    }
    return all;
  }
}
