// Group commit, generic: requests from concurrent callers are written together, one write per
// batch, and each caller's promise settles only when the write that carried ITS items returned.
// Nothing is acknowledged before it is written. Used for MongoDB inserts (BatchedInserter) and
// BullMQ job adds (service-kit), where a round trip per caller is the cost under load.
//
// No timer: the first request of an idle committer is written at once, alone; requests that arrive
// while `maxInFlight` writes are running wait and leave together when one returns. So a lone
// request pays no extra latency and a burst is coalesced by the server's own response time.

export interface GroupCommitOptions {
  /** Most items in one write; one caller's items are never split (an oversized caller goes alone). Default 100. */
  maxBatch?: number;
  /** Writes running at the same time. Default 2. */
  maxInFlight?: number;
}

/**
 * Writes one batch: `requests[i]` are the items of the i-th caller. Resolves with one entry per
 * caller: `undefined` when all its items were written, else the error that caller gets. Throwing
 * rejects every caller of the batch (nothing is known to be written).
 */
export type BatchWriter<T> = (requests: T[][]) => Promise<Array<unknown | undefined>>;

interface Waiting<T> {
  items: T[];
  resolve(): void;
  reject(error: unknown): void;
}

export class GroupCommit<T> {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly queue: Waiting<T>[] = [];
  private inFlight = 0;
  private batches = 0;
  private items = 0;

  constructor(
    private readonly writeBatch: BatchWriter<T>,
    opts: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 100);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
  }

  /** Writes `items` (one caller's, kept in one batch); resolves once written, rejects with this caller's error. */
  submit(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  /** Batches and items written so far, and what is waiting or being written (metrics and tests). */
  stats(): { batches: number; items: number; waiting: number; inFlight: number } {
    return {
      batches: this.batches,
      items: this.items,
      waiting: this.queue.reduce((n, w) => n + w.items.length, 0),
      inFlight: this.inFlight,
    };
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Waiting<T>[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || size + this.queue[0]!.items.length <= this.maxBatch)
      ) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.items.length;
      }
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Waiting<T>[]): Promise<void> {
    let outcomes: Array<unknown | undefined>;
    try {
      outcomes = await this.writeBatch(batch.map((w) => w.items));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    this.batches += 1;
    batch.forEach((w, i) => {
      const error = outcomes[i];
      if (error === undefined) {
        this.items += w.items.length;
        w.resolve();
      } else {
        w.reject(error);
      }
    });
  }
}
