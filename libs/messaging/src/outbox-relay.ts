// Moves pending outbox entries from aggregate documents to Kafka (the transactional outbox, kept
// inside the aggregate document, so state and events commit in one single-document write).
//
// Writers add entries and raise `outboxPending: true` in the same write as the state change
// (`outboxInsertFields`, `outboxUpdate`). A batch:
//   1. only the holder of the lease shared by every relay of these collections works
//      (outbox-lease.ts: with several instances of a service, one publishes);
//   2. finds flagged documents (an index lookup on `{ outboxPending: 1 }`, up to batchSize each);
//   3. publishes their entries in one produce call, each document's in stored order and documents
//      interleaved by write time (inWriteOrder): per-aggregate order holds;
//   4. marks them: one `updateMany` per collection over the batch's `_id`s with a pipeline update
//      that removes the entries whose event id was published and recomputes the flag from what is
//      left (markPublishedUpdate). MongoDB applies it to each document atomically, so an entry a
//      writer appended meanwhile stays, flagged: nothing is stranded, no lock needed. Event ids are
//      unique, so removing the batch's ids removes exactly what was read. (Measured locally: 79-113
//      us per document, against 117-291 us for a `bulkWrite` of one update per document.)
// drain() pipelines batches: batch k+1 is read (without batch k's documents) and published while
// batch k is being marked. The holder is woken by the in-process kick(), by a change stream when
// another process makes a document pending (outbox-wakeup.ts), and polls as a safety net.
//
// At-least-once: a crash between the publish and the marking republishes those entries on the next
// pass (by whichever relay holds the lease then). Consumers dedupe by event id (applyOnce).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createLogger, counter } from '@sp/observability';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import type { EventPublisher } from './event-publisher';
import { isOutboxEntry, outboxEntryToRecord, OUTBOX_FIELD, type OutboxEntry } from './outbox-entry';
import { RELAY_LEASES_COLLECTION, RelayLease, type RelayLeaseDocument } from './outbox-lease';
import {
  BACKLOG_PIPELINE,
  inWriteOrder,
  markPublishedUpdate,
  PENDING_OUTBOX_FILTER,
  PENDING_OUTBOX_INDEX,
  relayLeaseName,
} from './outbox-relay-queries';
import { registerRelayGauges } from './outbox-relay-metrics';
import { OutboxWakeup } from './outbox-wakeup';

export interface OutboxRelayOptions {
  publisher: Pick<EventPublisher, 'publish'>;
  collections: Array<Collection<Document>>;
  /** Poll interval after a pass that found work; `kick()` runs a pass at once. Default 250 ms. */
  pollIntervalMs?: number;
  /**
   * While idle, the interval doubles after each empty pass up to this. Default 1 s. An idle pass
   * of the lease holder is one index lookup per collection; a relay that does not hold the lease
   * tries to take it at this pace. Fresh events wake the holder at once (kick, change stream);
   * the poll is the safety net.
   */
  maxIdlePollIntervalMs?: number;
  /** Documents per collection per pass (all of their pending entries are published). Default 100. */
  batchSize?: number;
  /** Longest wait between passes while publishing keeps failing. Default 5 s. */
  maxErrorBackoffMs?: number;
  /**
   * Lifetime of the relay lease without renewal (the holder renews it every third). A relay that
   * dies without stopping is replaced after at most this long. Default 10 s.
   */
  leaseTtlMs?: number;
  /** Wake the lease holder with a change stream when another process writes. Default true. */
  watchChanges?: boolean;
  logger?: Logger;
}

/**
 * Server-side bound on the relay's find and marking (`maxTimeMS`). A pass that exceeds it fails,
 * is logged and retried with backoff (a batch not marked is published again, at least once),
 * instead of leaving the service's publishing silently stuck behind one slow operation.
 */
const OPERATION_TIMEOUT_MS = 30_000;

interface PendingDocument {
  collection: Collection<Document>;
  id: unknown;
  entries: OutboxEntry[];
}

// Every live relay of the process, so the gauges report all of them on scrape.
const liveRelays = new Set<OutboxRelay>();

export class OutboxRelay {
  readonly leaseName: string;
  private readonly publisher: Pick<EventPublisher, 'publish'>;
  private readonly collections: Array<Collection<Document>>;
  private readonly pollIntervalMs: number;
  private readonly maxIdlePollIntervalMs: number;
  private idleInterval: number;
  private readonly batchSize: number;
  private readonly maxErrorBackoffMs: number;
  private readonly logger: Logger;
  private readonly leaseTtlMs: number;
  private readonly lease: RelayLease;
  private readonly wakeup: OutboxWakeup | undefined;
  private readonly published = counter<'collection'>({
    name: 'sp_outbox_published_total',
    help: 'Outbox entries published to Kafka by the relay',
    labelNames: ['collection'],
  });

  private running = false;
  /** Set by stop(): a drain in progress ends after its current batch. */
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private currentPass: Promise<void> | undefined;
  private kicked = false;
  private consecutiveFailures = 0;
  private prepared: Promise<void> | undefined;
  private leader = false;

  constructor(opts: OutboxRelayOptions) {
    if (opts.collections.length === 0) throw new Error('OutboxRelay needs at least one collection');
    this.publisher = opts.publisher;
    this.collections = opts.collections;
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.maxIdlePollIntervalMs = Math.max(this.pollIntervalMs, opts.maxIdlePollIntervalMs ?? 1_000);
    this.idleInterval = this.pollIntervalMs;
    this.batchSize = opts.batchSize ?? 100;
    this.maxErrorBackoffMs = opts.maxErrorBackoffMs ?? 5_000;
    this.logger = opts.logger ?? createLogger('messaging');
    this.leaseName = relayLeaseName(this.collections);
    this.leaseTtlMs = opts.leaseTtlMs ?? 10_000;
    this.lease = new RelayLease({
      collection: this.collections[0]!.db.collection<RelayLeaseDocument>(RELAY_LEASES_COLLECTION),
      name: this.leaseName,
      owner: `${hostname()}:${process.pid}:${randomUUID()}`,
      ttlMs: this.leaseTtlMs,
      retryMs: this.maxIdlePollIntervalMs,
    });
    this.wakeup =
      opts.watchChanges === false
        ? undefined
        : new OutboxWakeup({
            collections: this.collections,
            onPending: () => this.kick(),
            logger: this.logger,
          });
    registerRelayGauges(liveRelays);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    liveRelays.add(this);
    // Keeps the lease while this relay lives, independently of how long a pass takes.
    this.renewTimer = setInterval(() => void this.heartbeat(), Math.max(50, this.leaseTtlMs / 4));
    this.renewTimer.unref();
    this.schedule(0);
  }

  /** Stops polling; resolves when the pass in progress (if any) has finished and the lease is released. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    liveRelays.delete(this);
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.renewTimer !== undefined) clearInterval(this.renewTimer);
    this.timer = undefined;
    this.renewTimer = undefined;
    await this.currentPass;
    await this.wakeup?.close();
    await this.lease.release().catch((error: unknown) => {
      this.logger.warn({ err: error, lease: this.leaseName }, 'could not release the outbox relay lease');
    });
    this.leader = false;
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

  /** Whether this relay is the one publishing (it held the lease at its last renewal). */
  holdsLease(): boolean {
    return this.lease.isHeld();
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
      const [row] = await collection.aggregate<{ n: number }>(BACKLOG_PIPELINE).toArray();
      out[collection.collectionName] = row?.n ?? 0;
    }
    return out;
  }

  /**
   * Runs one batch (read, publish, mark; up to batchSize documents per collection) and returns how
   * many entries it published (0 when another relay holds the lease). For tests and scripts; the
   * loop runs drain().
   */
  async runOnce(): Promise<number> {
    return this.pass();
  }

  /**
   * Publishes until nothing is pending (or this relay loses the lease, or stops) and returns how
   * many entries it published. What the loop runs on every wake-up. Pipelined: while one batch is
   * being marked in the database, the next is read (without the documents being marked) and
   * published, so the database and Kafka work at the same time. If a marking fails, its batch
   * stays pending and is published again by a later pass (at least once, as after a crash).
   */
  async drain(): Promise<number> {
    await this.prepare();
    let total = 0;
    let marking: { docs: PendingDocument[]; done: Promise<number> } | undefined;
    try {
      while (!this.stopping && (await this.holdLease())) {
        const { pending, morePending } = await this.readPending(marking?.docs ?? []);
        if (pending.length > 0) await this.publishEntries(pending);
        if (marking !== undefined) total += await marking.done;
        marking = undefined;
        if (pending.length === 0) break;
        const done = this.markPublished(pending);
        done.catch(() => undefined); // awaited below; handled now so a failure is never "unhandled"
        marking = { docs: pending, done };
        if (!morePending) break;
      }
    } catch (error) {
      await marking?.done.catch(() => 0);
      throw error;
    }
    if (marking !== undefined) total += await marking.done;
    return total;
  }

  /** Index on the flag, once per relay; querying works without it (slower), so failure is not fatal. */
  private prepare(): Promise<void> {
    this.prepared ??= Promise.all(this.collections.map((c) => c.createIndex(PENDING_OUTBOX_INDEX))).then(
      () => undefined,
      (error: unknown) => {
        this.prepared = undefined;
        this.logger.warn({ err: error }, 'could not create the outbox pending-flag index');
      },
    );
    return this.prepared;
  }

  private async heartbeat(): Promise<void> {
    try {
      const wasLeader = this.leader;
      await this.holdLease();
      // Took over from a relay that stopped or died: go and publish what it left.
      if (this.leader && !wasLeader) this.kick();
    } catch (error) {
      this.logger.warn({ err: error, lease: this.leaseName }, 'outbox relay lease renewal failed');
    }
  }

  /** Takes or renews the lease; opens or closes the change stream with it. */
  private async holdLease(): Promise<boolean> {
    const held = await this.lease.hold();
    if (held && !this.leader) {
      this.leader = true;
      this.logger.info({ lease: this.leaseName, owner: this.lease.owner }, 'outbox relay holds the lease');
    } else if (!held && this.leader) {
      this.leader = false;
      this.logger.warn({ lease: this.leaseName }, 'outbox relay lost its lease; another relay publishes');
    }
    if (held && this.running) this.wakeup?.open();
    else await this.wakeup?.close();
    return held;
  }

  /** One batch, step by step (runOnce). */
  private async pass(): Promise<number> {
    await this.prepare();
    if (!(await this.holdLease())) return 0;
    const { pending } = await this.readPending([]);
    if (pending.length === 0) return 0;
    await this.publishEntries(pending);
    return this.markPublished(pending);
  }

  /**
   * The pending documents of every collection (up to batchSize each), minus `exclude` (the batch
   * whose marking is still running: a document is never in two unmarked batches).
   */
  private async readPending(
    exclude: PendingDocument[],
  ): Promise<{ pending: PendingDocument[]; morePending: boolean }> {
    const pending: PendingDocument[] = [];
    let morePending = false;
    for (const collection of this.collections) {
      const excluded = exclude.filter((d) => d.collection === collection).map((d) => d.id);
      const filter: Document =
        excluded.length === 0 ? PENDING_OUTBOX_FILTER : { ...PENDING_OUTBOX_FILTER, _id: { $nin: excluded } };
      // No sort: order only matters within a document (and across the documents of one batch, by
      // inWriteOrder), and a published document leaves the pending set, so none starves.
      const docs = await collection
        .find(filter, { projection: { [OUTBOX_FIELD]: 1 }, maxTimeMS: OPERATION_TIMEOUT_MS })
        .limit(this.batchSize)
        .batchSize(this.batchSize) // the whole batch in one round trip
        .toArray();
      if (docs.length >= this.batchSize) morePending = true;
      for (const doc of docs) {
        const raw: unknown = doc[OUTBOX_FIELD];
        const all: unknown[] = Array.isArray(raw) ? raw : [];
        const entries = all.filter(isOutboxEntry);
        if (entries.length < all.length || !Array.isArray(raw)) {
          // Never dropped silently: malformed entries stay in place, flagged, for a human to look at.
          this.logger.error(
            { collection: collection.collectionName, id: doc._id },
            'malformed outbox entries left in place',
          );
          if (!Array.isArray(raw)) continue;
        }
        pending.push({ collection, id: doc._id, entries });
      }
    }
    return { pending, morePending };
  }

  private async publishEntries(pending: PendingDocument[]): Promise<void> {
    const records = inWriteOrder(pending.map((p) => p.entries)).map(outboxEntryToRecord);
    if (records.length > 0) await this.publisher.publish(records);
  }

  /** Marks a published batch (one updateMany per collection); returns how many entries it held. */
  private async markPublished(pending: PendingDocument[]): Promise<number> {
    let published = 0;
    for (const collection of this.collections) {
      const docs = pending.filter((p) => p.collection === collection);
      if (docs.length === 0) continue;
      // In a transaction, although one updateMany needs none for its own sake: on SecantusDB a
      // multi-document write outside a transaction that meets a document written by an open
      // transaction (an onward referral, a consent withdrawal...) waits for it while holding the
      // rest of its batch, and that transaction's next write waits for the batch: neither ever
      // finishes, and change streams stop server-wide (reproduced; ADR 17). Inside a transaction
      // the conflict fails at once, withTransaction retries, and nothing waits on anything. On
      // MongoDB it costs one commit per batch (measured on SecantusDB: 396-438 ms for 5,000
      // documents in batches of 500, against 400-403 ms without).
      const session = collection.db.client.startSession();
      try {
        await session.withTransaction(
          () =>
            collection.updateMany(
              { _id: { $in: docs.map((d) => d.id) } } as Document,
              markPublishedUpdate(docs.flatMap((d) => d.entries.map((e) => e.id))),
              { session, maxTimeMS: OPERATION_TIMEOUT_MS },
            ),
          {
            readPreference: 'primary',
            writeConcern: { w: 'majority' },
            maxCommitTimeMS: OPERATION_TIMEOUT_MS,
          },
        );
      } finally {
        await session.endSession();
      }
      const count = docs.reduce((n, d) => n + d.entries.length, 0);
      this.published.inc({ collection: collection.collectionName }, count);
      published += count;
    }
    return published;
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
      // Drain, and again if kicked meanwhile: a backlog goes out at full speed, not one batch per poll.
      for (;;) {
        this.kicked = false;
        const published = await this.drain();
        this.consecutiveFailures = 0;
        this.idleInterval =
          published > 0 ? this.pollIntervalMs : Math.min(this.maxIdlePollIntervalMs, this.idleInterval * 2);
        next = this.idleInterval;
        if (!this.running) return;
        if (!this.kicked) break;
      }
    } catch (error) {
      this.consecutiveFailures += 1;
      next = Math.min(this.maxErrorBackoffMs, this.pollIntervalMs * 2 ** this.consecutiveFailures);
      this.logger.warn({ err: error, retryInMs: next }, 'outbox relay pass failed; entries stay pending');
    }
    this.schedule(this.kicked ? 0 : next);
  }
}
