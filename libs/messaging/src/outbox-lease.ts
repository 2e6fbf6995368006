// Which of several relays of the same collections publishes: a lease in the database. Every instance
// of a service runs a relay over the same collections; they all try to take one lease document and
// only its holder reads and publishes the outbox, so normal operation publishes every entry once
// and in write order (two relays publishing the same documents at the same time would double the
// traffic and could interleave one aggregate's entries).
//
// The lease is one document per lease name (`outbox_relay_leases`, in the database of the relayed
// collections): `{ _id: name, owner, expiresAt }`. Taking or renewing it is ONE conditional
// single-document update, "set me as owner until now + ttl if I own it or it has expired", so two
// relays can never both succeed. Time is the database's (`$$NOW`), never a relay's clock, so clock
// skew between hosts does not matter. The holder renews it every third of its ttl; a relay that
// stops releases it, a relay that dies loses it when it expires, and another one takes over.
//
// A holder paused for longer than the ttl (a stalled process, a partition from the database) may
// still finish the pass it had started after another relay took over: those entries may be
// published twice. Delivery is at least once anyway and consumers dedupe by event id; what the
// lease guarantees is that it does not happen in normal operation.
import { performance } from 'node:perf_hooks';
import type { Collection, Document } from 'mongodb';

export const RELAY_LEASES_COLLECTION = 'outbox_relay_leases';

export interface RelayLeaseDocument {
  _id: string;
  owner: string | null;
  expiresAt: Date;
}

export interface RelayLeaseOptions {
  collection: Collection<RelayLeaseDocument>;
  name: string;
  /** Unique per relay instance. */
  owner: string;
  /** How long the lease lasts without renewal (database time). */
  ttlMs: number;
  /** Least time between two attempts to take the lease while another relay holds it. */
  retryMs: number;
  /** Monotonic clock in ms (tests). */
  now?: () => number;
}

function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export class RelayLease {
  readonly name: string;
  readonly owner: string;
  private readonly collection: Collection<RelayLeaseDocument>;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  /** Local monotonic time before which the lease is ours for sure (request start + ttl). */
  private heldUntil = Number.NEGATIVE_INFINITY;
  private renewedAt = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private created: Promise<void> | undefined;
  private inFlight: Promise<boolean> | undefined;

  constructor(opts: RelayLeaseOptions) {
    if (!(opts.ttlMs > 0)) throw new RangeError(`lease ttlMs must be positive, got ${opts.ttlMs}`);
    this.collection = opts.collection;
    this.name = opts.name;
    this.owner = opts.owner;
    this.ttlMs = opts.ttlMs;
    this.retryMs = opts.retryMs;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Whether this relay held the lease at its last take or renewal, and still does by the clock. */
  isHeld(): boolean {
    return this.now() < this.heldUntil;
  }

  /**
   * True when this relay holds the lease. Talks to the database only when a third of the ttl has
   * passed since the last renewal, or (when another relay holds it) at most every `retryMs`.
   */
  hold(): Promise<boolean> {
    if (this.inFlight !== undefined) return this.inFlight;
    const now = this.now();
    if (now < this.heldUntil && now - this.renewedAt < this.ttlMs / 3) return Promise.resolve(true);
    if (!this.isHeld() && now - this.lastAttempt < this.retryMs) return Promise.resolve(false);
    this.inFlight = this.takeOrRenew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Gives the lease up (on stop), so another relay takes over at once instead of after the ttl. */
  async release(): Promise<void> {
    await this.inFlight?.catch(() => false);
    const wasHeld = this.isHeld();
    this.heldUntil = Number.NEGATIVE_INFINITY;
    this.renewedAt = Number.NEGATIVE_INFINITY;
    if (!wasHeld) return;
    await this.collection.updateOne(
      { _id: this.name, owner: this.owner },
      { $set: { owner: null, expiresAt: new Date(0) } },
    );
  }

  private async takeOrRenew(): Promise<boolean> {
    const started = this.now();
    this.lastAttempt = started;
    await this.ensureDocument();
    const result = await this.collection.updateOne(
      {
        _id: this.name,
        $expr: { $or: [{ $eq: ['$owner', this.owner] }, { $lte: ['$expiresAt', '$$NOW'] }] },
      } as Document,
      [
        {
          $set: {
            owner: this.owner,
            expiresAt: { $dateAdd: { startDate: '$$NOW', unit: 'millisecond', amount: this.ttlMs } },
          },
        },
      ],
    );
    if (result.matchedCount === 1) {
      // Measured from before the request: the server's expiry is later than this.
      this.renewedAt = started;
      this.heldUntil = started + this.ttlMs;
      return true;
    }
    this.heldUntil = Number.NEGATIVE_INFINITY;
    return false;
  }

  /** The lease document must exist: an upsert cannot carry the `$expr` condition. */
  private ensureDocument(): Promise<void> {
    this.created ??= this.collection.insertOne({ _id: this.name, owner: null, expiresAt: new Date(0) }).then(
      () => undefined,
      (error: unknown) => {
        if (isDuplicateKeyError(error)) return;
        this.created = undefined;
        throw error;
      },
    );
    return this.created;
  }
}
