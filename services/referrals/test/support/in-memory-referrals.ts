import type { ClientSession } from 'mongodb';
import type { EventEnvelope } from '@sp/contracts';
import { ReferralErrors } from '../../src/referrals/referral-errors';
import type { ReferralDocument } from '../../src/referrals/referral.entity';
import type {
  ChangeDecision,
  ChangeOptions,
  ReferralRepository,
} from '../../src/referrals/referral.repository';

type Port = Pick<
  ReferralRepository,
  'inTransaction' | 'insertAll' | 'change' | 'findById' | 'findChildren' | 'findByIdempotencyKey' | 'tree'
>;

/**
 * A stand-in for ReferralRepository in unit tests of the use cases: documents in a map, a
 * transaction that keeps its writes only if its function succeeds, the events each write carried,
 * and a log of commits so tests can check what happened after them. The real repository is
 * exercised against the database by the integration specs.
 */
export class InMemoryReferrals implements Port {
  docs = new Map<string, ReferralDocument>();
  events: EventEnvelope[] = [];
  /** 'commit' and 'abort' of each transaction, in order; tests append their own entries too. */
  readonly log: string[] = [];
  /** Throws this error instead of writing the referral with this id (a failure inside a transaction). */
  failOn?: { id: string; error: Error };

  constructor(docs: ReferralDocument[] = []) {
    for (const doc of docs) this.docs.set(doc._id, structuredClone(doc));
  }

  get(id: string): ReferralDocument {
    const doc = this.docs.get(id);
    if (!doc) throw new Error(`no referral ${id}`);
    return doc;
  }

  async inTransaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const docs = structuredClone(this.docs);
    const events = [...this.events];
    try {
      const result = await fn({} as ClientSession);
      this.log.push('commit');
      return result;
    } catch (error) {
      this.docs = docs;
      this.events = events;
      this.log.push('abort');
      throw error;
    }
  }

  async insertAll(referrals: ReferralDocument[]): Promise<void> {
    for (const doc of referrals) {
      const key = doc.idempotencyKey;
      const taken =
        key !== undefined &&
        [...this.docs.values()].some(
          (d) => d.requesterOrganisationId === doc.requesterOrganisationId && d.idempotencyKey === key,
        );
      if (taken || this.docs.has(doc._id))
        throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      this.docs.set(doc._id, structuredClone(doc));
    }
  }

  async findById(id: string): Promise<ReferralDocument | null> {
    const doc = this.docs.get(id);
    return doc ? structuredClone(doc) : null;
  }

  async findByIdempotencyKey(org: string, key: string): Promise<ReferralDocument | null> {
    const doc = [...this.docs.values()].find(
      (d) => d.requesterOrganisationId === org && d.idempotencyKey === key,
    );
    return doc ? structuredClone(doc) : null;
  }

  async findChildren(parentId: string): Promise<ReferralDocument[]> {
    return [...this.docs.values()]
      .filter((d) => d.parentReferralId === parentId)
      .map((d) => structuredClone(d));
  }

  async tree(root: ReferralDocument): Promise<ReferralDocument[]> {
    const all = [root];
    for (let i = 0; i < all.length; i += 1)
      for (const id of all[i]!.childReferralIds) {
        const child = await this.findById(id);
        if (child) all.push(child);
      }
    return all;
  }

  async change(
    id: string,
    decide: ChangeDecision,
    opts: ChangeOptions = {},
  ): Promise<{ referral: ReferralDocument; changed: boolean } | null> {
    const current = opts.basedOn ?? (await this.findById(id));
    if (!current) return null;
    const change = decide(current);
    if (!change) return { referral: current, changed: false };
    if (this.failOn?.id === id) throw this.failOn.error;
    const stored = this.get(id);
    if (stored.version !== current.version)
      throw opts.expectedVersion !== undefined
        ? ReferralErrors.changedSince(opts.expectedVersion)
        : ReferralErrors.concurrentUpdate();
    const version = current.version + 1;
    const updated = {
      ...stored,
      ...change.set,
      version,
      history: [...stored.history, ...change.history.map((h) => ({ ...h, version }))],
    } as ReferralDocument;
    this.docs.set(id, structuredClone(updated));
    this.events.push(...change.events);
    return { referral: updated, changed: true };
  }
}
