// Moves pending outbox entries from aggregate documents to Kafka. Works on MongoDB and FerretDB
// alike: no transactions, no change streams, only single-document atomic updates.
//
// Writers add entries and raise `outboxPending: true` in the same write (`outboxInsertFields`,
// `outboxUpdate`). One pass: find flagged documents (natural order, up to batchSize), publish all
// their entries in one produce call (per-document order preserved, so per-aggregate order holds;
// documents interleaved by write time, see inWriteOrder), then one update per collection removes exactly the published entries (`$pullAll`, exact-value
// match on the entries as read) and clears the flag, and a check by pass id re-flags any document
// that gained entries meanwhile (see markPublished). Why `$pullAll` and not
// `$pull: { outbox: { id: { $in: ids } } }`: FerretDB 1.24 accepts a `$pull` condition but silently
// removes nothing (verified).
//
// FerretDB 1.24 cost model (measured, see docs/benchmarks.md): a filter's top-level scalar
// equalities (`outboxPending: true`, `_id: 'x'`) become a PostgreSQL sequential scan (~6 us per
// row: the `@>` test cannot use FerretDB's btree indexes); everything else is evaluated by FerretDB
// on decoded documents (~0.2-0.35 ms per 1 KB document); every modified document is its own
// PostgreSQL transaction (~1 ms). So the relay filters on the flag (only pending documents are
// decoded, and an idle poll decodes none), updates a batch with one `updateMany` (an `updateOne`
// per document would be one sequential scan each; a `$or` of 500 per-document conditions made
// FerretDB crawl, measured), and writes each document once.
//
// Writers of aggregate documents must hold `withDocumentLock` around their update (FerretDB has
// no per-document atomicity under concurrency: see document-lock.ts); the relay holds the locks of
// a batch around its updates.
//
// At-least-once: a crash between the publish and the update republishes those entries on the next
// pass. Consumers dedupe by event id (applyOnce), so the effect still happens once.
import { randomUUID } from 'node:crypto';
import { createLogger, gauge, counter } from '@sp/observability';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { withDocumentLock, withDocumentLocks } from './document-lock';
import type { EventPublisher } from './event-publisher';
import {
  isOutboxEntry,
  outboxEntryToRecord,
  OUTBOX_FIELD,
  OUTBOX_PENDING_FIELD,
  type OutboxEntry,
} from './outbox-entry';

export interface OutboxRelayOptions {
  publisher: Pick<EventPublisher, 'publish'>;
  collections: Array<Collection<Document>>;
  /** Poll interval after a pass that found work; `kick()` runs a pass at once. Default 250 ms. */
  pollIntervalMs?: number;
  /**
   * While idle, the interval doubles after each empty pass up to this. Default 1 s. An idle pass
   * is one query on the pending flag: on FerretDB 1.24 a PostgreSQL scan of the collection with no
   * document decoded (~6 us per document, measured), on MongoDB an index lookup. Writers call
   * kick(), so fresh events go out at once anyway; the poll is the safety net.
   */
  maxIdlePollIntervalMs?: number;
  /** Documents per pass (all of their pending entries are published). Default 100. */
  batchSize?: number;
  /** Longest wait between passes while publishing keeps failing. Default 5 s. */
  maxErrorBackoffMs?: number;
  /**
   * How often to look for documents that carry entries but no pending flag (written without
   * `outboxInsertFields` / `outboxUpdate`, or before the flag existed); they are flagged and a
   * warning is logged. This query decodes every document on FerretDB, hence rare. First sweep on
   * the first pass. Default 5 min; 0 disables the periodic sweep (the first one still runs).
   */
  unflaggedSweepIntervalMs?: number;
  logger?: Logger;
}

/** Filter for documents with pending entries: the flag (pushed down to PostgreSQL by FerretDB 1.24). */
export const PENDING_OUTBOX_FILTER: Document = { [OUTBOX_PENDING_FIELD]: true };

/**
 * Relay bookkeeping on each document it published from: the id of that pass, so the pass can find
 * exactly its documents again with a pushed-down equality (see markPublished).
 */
export const OUTBOX_RELAY_PASS_FIELD = 'outboxRelayPass';
const relayInstanceId = randomUUID();

/** Documents with entries but no flag (see `unflaggedSweepIntervalMs`); not pushed down on FerretDB. */
const UNFLAGGED_OUTBOX_FILTER: Document = {
  [`${OUTBOX_FIELD}.0`]: { $exists: true },
  [OUTBOX_PENDING_FIELD]: { $ne: true },
};

interface PendingDocument {
  collection: Collection<Document>;
  id: unknown;
  entries: OutboxEntry[];
  /** The valid entries exactly as stored, for the exact-match `$pullAll`. */
  stored: unknown[];
}

// Every live relay of the process, so one gauge reports the backlog of all of them on scrape.
const liveRelays = new Set<OutboxRelay>();
let backlogGaugeRegistered = false;

function registerBacklogGauge(): void {
  if (backlogGaugeRegistered) return;
  backlogGaugeRegistered = true;
  gauge<'collection'>({
    name: 'sp_outbox_backlog',
    help: 'Outbox entries written but not yet published to Kafka, per collection',
    labelNames: ['collection'],
    async collect() {
      this.reset();
      for (const relay of liveRelays) {
        const counts = await relay.backlogByCollection().catch(() => ({}) as Record<string, number>);
        for (const [collection, n] of Object.entries(counts)) this.inc({ collection }, n);
      }
    },
  });
}

/**
 * The entries of one pass in the order they were written: each document's entries keep their
 * stored order (per-aggregate order is strict), and documents are interleaved by entry `createdAt`
 * (a k-way merge; ties keep the order the documents were read in). So when an organisation's
 * document and one of its services' documents both have entries in a pass, the partition keyed by
 * the organisation receives them as they happened, not collection by collection.
 */
export function inWriteOrder(perDocument: OutboxEntry[][]): OutboxEntry[] {
  const heads = perDocument.map(() => 0);
  const total = perDocument.reduce((n, entries) => n + entries.length, 0);
  const out: OutboxEntry[] = [];
  const timeOf = (e: OutboxEntry): number => {
    const t = e.createdAt instanceof Date ? e.createdAt.getTime() : Date.parse(String(e.createdAt));
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  while (out.length < total) {
    let pick = -1;
    let pickTime = Number.POSITIVE_INFINITY;
    for (let d = 0; d < perDocument.length; d += 1) {
      const entry = perDocument[d]![heads[d]!];
      if (entry === undefined) continue;
      const t = timeOf(entry);
      if (pick === -1 || t < pickTime) {
        pick = d;
        pickTime = t;
      }
    }
    out.push(perDocument[pick]![heads[pick]!]!);
    heads[pick]! += 1;
  }
  return out;
}

export class OutboxRelay {
  private readonly publisher: Pick<EventPublisher, 'publish'>;
  private readonly collections: Array<Collection<Document>>;
  private readonly pollIntervalMs: number;
  private readonly maxIdlePollIntervalMs: number;
  private idleInterval: number;
  private readonly batchSize: number;
  private readonly maxErrorBackoffMs: number;
  private readonly unflaggedSweepIntervalMs: number;
  private readonly logger: Logger;
  private readonly published = counter<'collection'>({
    name: 'sp_outbox_published_total',
    help: 'Outbox entries published to Kafka by the relay',
    labelNames: ['collection'],
  });

  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private currentPass: Promise<void> | undefined;
  private kicked = false;
  private consecutiveFailures = 0;
  private prepared: Promise<void> | undefined;
  private passCounter = 0;
  private lastUnflaggedSweep = 0;

  constructor(opts: OutboxRelayOptions) {
    this.publisher = opts.publisher;
    this.collections = opts.collections;
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.maxIdlePollIntervalMs = Math.max(this.pollIntervalMs, opts.maxIdlePollIntervalMs ?? 1_000);
    this.idleInterval = this.pollIntervalMs;
    this.batchSize = opts.batchSize ?? 100;
    this.maxErrorBackoffMs = opts.maxErrorBackoffMs ?? 5_000;
    this.unflaggedSweepIntervalMs = opts.unflaggedSweepIntervalMs ?? 300_000;
    this.logger = opts.logger ?? createLogger('messaging');
    registerBacklogGauge();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    liveRelays.add(this);
    this.schedule(0);
  }

  /** Stops polling; resolves when the pass in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    liveRelays.delete(this);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.currentPass;
  }

  /** Asks for a pass now (call after writing entries); coalesces with a pass already running. */
  kick(): void {
    if (!this.running) return;
    if (this.currentPass !== undefined) {
      this.kicked = true;
      return;
    }
    this.schedule(0);
  }

  /** Pending entries across all collections. */
  async backlog(): Promise<number> {
    const counts = await this.backlogByCollection();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** Pending entries per collection name. */
  async backlogByCollection(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const collection of this.collections) {
      // $unwind + $count are supported by FerretDB 1.24 ($size in $project is not relied upon).
      const [row] = await collection
        .aggregate<{ n: number }>([
          { $match: PENDING_OUTBOX_FILTER },
          { $unwind: `$${OUTBOX_FIELD}` },
          { $count: 'n' },
        ])
        .toArray();
      out[collection.collectionName] = row?.n ?? 0;
    }
    return out;
  }

  /**
   * Runs one pass over every collection and returns how many entries it published. Used by the
   * polling loop; also handy in tests and scripts that want to drain the outbox synchronously.
   */
  async runOnce(): Promise<number> {
    return (await this.pass()).published;
  }

  /** Index on the flag (used by MongoDB, and by FerretDB with our patch 0002). Once per relay. */
  private prepare(): Promise<void> {
    this.prepared ??= Promise.all(
      this.collections.map((c) => c.createIndex({ [OUTBOX_PENDING_FIELD]: 1 })),
    ).then(
      () => undefined,
      (error: unknown) => {
        this.prepared = undefined; // try again next pass; querying works without the index
        this.logger.warn({ err: error }, 'could not create the outbox pending-flag index');
      },
    );
    return this.prepared;
  }

  /** Flags documents that carry entries without the flag, one locked guarded update each. */
  private async sweepUnflagged(): Promise<void> {
    const now = Date.now();
    if (
      this.lastUnflaggedSweep !== 0 &&
      (this.unflaggedSweepIntervalMs <= 0 || now - this.lastUnflaggedSweep < this.unflaggedSweepIntervalMs)
    )
      return;
    this.lastUnflaggedSweep = now;
    for (const collection of this.collections) {
      const docs = await collection.find(UNFLAGGED_OUTBOX_FILTER, { projection: { _id: 1 } }).toArray();
      for (const { _id } of docs) {
        await withDocumentLock(collection, _id, () =>
          collection.updateOne({ _id, [`${OUTBOX_FIELD}.0`]: { $exists: true } } as Document, {
            $set: { [OUTBOX_PENDING_FIELD]: true },
          }),
        );
      }
      if (docs.length > 0) {
        this.logger.warn(
          { collection: collection.collectionName, documents: docs.length },
          'outbox entries written without the pending flag (use outboxInsertFields / outboxUpdate); flagged now',
        );
      }
    }
  }

  private async pass(): Promise<{ published: number; morePending: boolean }> {
    await this.prepare();
    await this.sweepUnflagged();
    const pending: PendingDocument[] = [];
    let morePending = false;
    for (const collection of this.collections) {
      // Natural order, no sort: sorting makes FerretDB read and sort every pending document on
      // each pass. Order only matters within a document, and a document leaves the pending set
      // once published, so none starves.
      const docs = await collection
        .find(PENDING_OUTBOX_FILTER, { projection: { [OUTBOX_FIELD]: 1 } })
        .limit(this.batchSize)
        .toArray();
      if (docs.length >= this.batchSize) morePending = true;
      for (const doc of docs) {
        const raw: unknown = doc[OUTBOX_FIELD];
        const all: unknown[] = Array.isArray(raw) ? raw : [];
        const stored = all.filter(isOutboxEntry);
        if (stored.length < all.length) {
          // Never dropped silently: a malformed entry stays in place (and flagged again by markPublished) for a human to look at.
          this.logger.error(
            { collection: collection.collectionName, id: doc._id },
            'malformed outbox entries left in place',
          );
        }
        pending.push({ collection, id: doc._id, entries: stored, stored });
      }
    }
    if (pending.length === 0) return { published: 0, morePending: false };

    const records = inWriteOrder(pending.map((p) => p.entries)).map(outboxEntryToRecord);
    if (records.length > 0) await this.publisher.publish(records);

    const byCollection = new Map<Collection<Document>, PendingDocument[]>();
    for (const p of pending) byCollection.set(p.collection, [...(byCollection.get(p.collection) ?? []), p]);
    let published = 0;
    for (const [collection, docs] of byCollection) {
      const count = docs.reduce((n, d) => n + d.entries.length, 0);
      // Locked: on FerretDB a concurrent service write to the same document would otherwise be
      // overwritten by these updates (see document-lock.ts).
      await withDocumentLocks(
        collection,
        docs.map((d) => d.id),
        () => this.markPublished(collection, docs),
      );
      this.published.inc({ collection: collection.collectionName }, count);
      published += count;
    }
    return { published, morePending };
  }

  /**
   * Removes the published entries and clears the flag, in ONE write per document (on FerretDB
   * every modified document is its own PostgreSQL transaction, the dominant cost). The flag filter
   * is pushed down by FerretDB, so only pending documents are decoded.
   *
   * Clearing the flag blindly would strand entries appended between our find and this update (a
   * writer that kicked in meanwhile): so the update also stamps the documents with this pass's id,
   * and a second query by that stamp (pushed down too: it decodes only this batch) finds any
   * document that still holds entries and raises its flag again. A crash between the two leaves
   * such entries unflagged until the next relay start, whose unflagged sweep flags them.
   */
  private async markPublished(collection: Collection<Document>, docs: PendingDocument[]): Promise<void> {
    const pass = `${relayInstanceId}:${(this.passCounter += 1)}`;
    await collection.updateMany(
      { [OUTBOX_PENDING_FIELD]: true, _id: { $in: docs.map((d) => d.id) } } as Document,
      {
        $pullAll: { [OUTBOX_FIELD]: docs.flatMap((d) => d.stored) },
        $set: { [OUTBOX_PENDING_FIELD]: false, [OUTBOX_RELAY_PASS_FIELD]: pass },
      } as Document,
    );
    const stillPending = await collection
      .find(
        { [OUTBOX_RELAY_PASS_FIELD]: pass, [`${OUTBOX_FIELD}.0`]: { $exists: true } },
        { projection: { _id: 1 } },
      )
      .toArray();
    if (stillPending.length > 0) {
      await collection.updateMany(
        {
          [OUTBOX_RELAY_PASS_FIELD]: pass,
          _id: { $in: stillPending.map((d) => d._id) },
          [`${OUTBOX_FIELD}.0`]: { $exists: true },
        } as Document,
        { $set: { [OUTBOX_PENDING_FIELD]: true } },
      );
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.currentPass = this.loop().finally(() => {
        this.currentPass = undefined;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    let next = this.pollIntervalMs;
    try {
      // Keep going while passes are full: a backlog drains at full speed, not one batch per poll.
      for (;;) {
        this.kicked = false;
        const { published, morePending } = await this.pass();
        this.consecutiveFailures = 0;
        this.idleInterval =
          published > 0 ? this.pollIntervalMs : Math.min(this.maxIdlePollIntervalMs, this.idleInterval * 2);
        next = this.idleInterval;
        if (!this.running) return;
        if (!morePending && !this.kicked) break;
      }
    } catch (error) {
      this.consecutiveFailures += 1;
      next = Math.min(this.maxErrorBackoffMs, this.pollIntervalMs * 2 ** this.consecutiveFailures);
      this.logger.warn({ err: error, retryInMs: next }, 'outbox relay pass failed; entries stay pending');
    }
    this.schedule(this.kicked ? 0 : next);
  }
}
