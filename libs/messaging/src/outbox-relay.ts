// Moves pending outbox entries from aggregate documents to Kafka. Works on MongoDB and FerretDB
// alike: no transactions, no change streams, only single-document atomic updates.
//
// One pass: find documents that have pending entries (oldest first, up to batchSize), publish all
// their entries in one produce call (per-document order preserved, so per-aggregate order holds),
// then remove exactly the published entries from those documents with `$pullAll` (exact-value
// match on the entries as read). Entries appended meanwhile are not touched and go out in the
// next pass. Why `$pullAll` and not `$pull: { outbox: { id: { $in: ids } } }`: FerretDB 1.24
// accepts a `$pull` condition but silently removes nothing (verified); exact-value removal
// behaves the same on FerretDB and MongoDB.
//
// Writers of aggregate documents must hold `withDocumentLock` around their update (FerretDB has
// no per-document atomicity under concurrency: see document-lock.ts).
//
// At-least-once: a crash between the publish and the `$pull` republishes those entries on the next
// pass. Consumers dedupe by event id (applyOnce), so the effect still happens once.
import { createLogger, gauge, counter } from '@sp/observability';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { withDocumentLocks } from './document-lock';
import type { EventPublisher } from './event-publisher';
import { isOutboxEntry, outboxEntryToRecord, OUTBOX_FIELD, type OutboxEntry } from './outbox-entry';

export interface OutboxRelayOptions {
  publisher: Pick<EventPublisher, 'publish'>;
  collections: Array<Collection<Document>>;
  /** Poll interval after a pass that found work; `kick()` runs a pass at once. Default 250 ms. */
  pollIntervalMs?: number;
  /**
   * While idle, the interval doubles after each empty pass up to this. Default 2 s. Finding
   * pending documents costs FerretDB a decode of every document of the collection (the filter is
   * not pushed down to PostgreSQL), so an idle relay should not ask four times a second; writers
   * call kick(), so fresh events still go out at once.
   */
  maxIdlePollIntervalMs?: number;
  /** Documents per pass (all of their pending entries are published). Default 100. */
  batchSize?: number;
  /** Longest wait between passes while publishing keeps failing. Default 5 s. */
  maxErrorBackoffMs?: number;
  logger?: Logger;
}

/** Filter for documents with at least one pending entry (verified on FerretDB 1.24: see README). */
export const PENDING_OUTBOX_FILTER: Document = { [`${OUTBOX_FIELD}.0`]: { $exists: true } };

interface PendingDocument {
  collection: Collection<Document>;
  id: unknown;
  entries: OutboxEntry[];
  /** The entries exactly as stored, for the exact-match `$pullAll`. */
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

export class OutboxRelay {
  private readonly publisher: Pick<EventPublisher, 'publish'>;
  private readonly collections: Array<Collection<Document>>;
  private readonly pollIntervalMs: number;
  private readonly maxIdlePollIntervalMs: number;
  private idleInterval: number;
  private readonly batchSize: number;
  private readonly maxErrorBackoffMs: number;
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

  constructor(opts: OutboxRelayOptions) {
    this.publisher = opts.publisher;
    this.collections = opts.collections;
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.maxIdlePollIntervalMs = Math.max(this.pollIntervalMs, opts.maxIdlePollIntervalMs ?? 2_000);
    this.idleInterval = this.pollIntervalMs;
    this.batchSize = opts.batchSize ?? 100;
    this.maxErrorBackoffMs = opts.maxErrorBackoffMs ?? 5_000;
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
        .aggregate<{ n: number }>([{ $match: PENDING_OUTBOX_FILTER }, { $unwind: `$${OUTBOX_FIELD}` }, { $count: 'n' }])
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

  private async pass(): Promise<{ published: number; morePending: boolean }> {
    const pending: PendingDocument[] = [];
    let morePending = false;
    for (const collection of this.collections) {
      // Natural order, no sort: sorting (e.g. on outbox.0.createdAt) makes FerretDB read and sort
      // every pending document on each pass (5x slower measured). Order only matters within a
      // document, and a document leaves the pending set once published, so none starves.
      const docs = await collection.find(PENDING_OUTBOX_FILTER, { projection: { [OUTBOX_FIELD]: 1 } }).limit(this.batchSize).toArray();
      if (docs.length >= this.batchSize) morePending = true;
      for (const doc of docs) {
        const raw: unknown = doc[OUTBOX_FIELD];
        const stored: unknown[] = Array.isArray(raw) ? raw : [];
        const entries = stored.filter(isOutboxEntry);
        if (entries.length < stored.length) {
          // Never dropped silently: a malformed entry stays in place for a human to look at.
          this.logger.error({ collection: collection.collectionName, id: doc._id }, 'malformed outbox entries left in place');
        }
        if (entries.length > 0) pending.push({ collection, id: doc._id, entries, stored: stored.filter(isOutboxEntry) });
      }
    }
    if (pending.length === 0) return { published: 0, morePending: false };

    await this.publisher.publish(pending.flatMap((p) => p.entries.map(outboxEntryToRecord)));

    // One update per collection: each matched document loses exactly the entries that were
    // published (entries embed a unique event id, so one document's entries never match
    // another's), atomically per document.
    const byCollection = new Map<Collection<Document>, PendingDocument[]>();
    for (const p of pending) byCollection.set(p.collection, [...(byCollection.get(p.collection) ?? []), p]);
    let published = 0;
    for (const [collection, docs] of byCollection) {
      const count = docs.reduce((n, d) => n + d.entries.length, 0);
      const ids = docs.map((d) => d.id);
      // Locked: on FerretDB a concurrent service write to the same document would otherwise be
      // overwritten by this update (see document-lock.ts).
      await withDocumentLocks(collection, ids, () =>
        collection.updateMany({ _id: { $in: ids } } as Document, { $pullAll: { [OUTBOX_FIELD]: docs.flatMap((d) => d.stored) } } as Document),
      );
      this.published.inc({ collection: collection.collectionName }, count);
      published += count;
    }
    return { published, morePending };
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
        this.idleInterval = published > 0 ? this.pollIntervalMs : Math.min(this.maxIdlePollIntervalMs, this.idleInterval * 2);
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
