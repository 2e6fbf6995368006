// Wakes the relay that holds the lease when any process makes a document pending. Several instances
// of a service write, one relays: a write handled by another instance cannot call this relay's
// kick(), so the holder listens to a change stream (replica sets only; MongoDB 7 in production)
// filtered on the server to "a document became pending" (see pendingChangesPipeline). The stream
// is only a wake-up: the pending query stays the truth, and the relay's poll covers the moments
// the stream is not open (before the first pass, after an error, on a server without them).
import type { ChangeStream, Collection, Db, Document } from 'mongodb';
import type { Logger } from 'pino';
import { pendingChangesPipeline } from './outbox-relay-queries';

export interface OutboxWakeupOptions {
  collections: Array<Collection<Document>>;
  onPending: () => void;
  logger: Logger;
  /** After a stream error, how long to wait before opening it again. Default 30 s. */
  retryMs?: number;
}

export class OutboxWakeup {
  private readonly byDatabase: Array<{ db: Db; names: string[] }>;
  private readonly onPending: () => void;
  private readonly logger: Logger;
  private readonly retryMs: number;
  private streams: ChangeStream[] = [];
  private retryAt = 0;

  constructor(opts: OutboxWakeupOptions) {
    const groups = new Map<string, { db: Db; names: string[] }>();
    for (const c of opts.collections) {
      const group = groups.get(c.dbName) ?? { db: c.db, names: [] };
      group.names.push(c.collectionName);
      groups.set(c.dbName, group);
    }
    this.byDatabase = [...groups.values()];
    this.onPending = opts.onPending;
    this.logger = opts.logger;
    this.retryMs = opts.retryMs ?? 30_000;
  }

  get isOpen(): boolean {
    return this.streams.length > 0;
  }

  /** Opens one change stream per database (idempotent; waits `retryMs` after a failure). */
  open(): void {
    if (this.streams.length > 0 || Date.now() < this.retryAt) return;
    this.streams = this.byDatabase.map(({ db, names }) => {
      const stream = db.watch(pendingChangesPipeline(names));
      stream.on('change', () => this.onPending());
      stream.on('error', (error: unknown) => this.fail(error));
      return stream;
    });
  }

  async close(): Promise<void> {
    const streams = this.streams;
    this.streams = [];
    await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
  }

  private fail(error: unknown): void {
    if (this.streams.length === 0) return;
    this.retryAt = Date.now() + this.retryMs;
    this.logger.warn(
      { err: error, retryInMs: this.retryMs },
      'outbox change stream failed; the relay polls until it reopens',
    );
    void this.close();
  }
}
