// Group commit for inserts: documents inserted concurrently by many requests go to the database
// together, in one `insertMany` per batch, and each caller's promise settles only when ITS document
// is acknowledged (or refused). Nothing is acknowledged before it is written, so durability is the
// same as one `insertOne` per document; what changes is the number of round trips and, on FerretDB
// 1.24, of PostgreSQL transactions (one per batch instead of one per document: measured in
// docs/benchmarks.md).
//
// No timer: the first document of an idle inserter is written at once, alone; documents that arrive
// while `maxInFlight` batches are being written wait and leave together when one returns. So a lone
// request pays no extra latency and a burst is coalesced by the database's own response time.
//
// Batches are unordered (`ordered: false`): one refused document (a duplicate key) does not stop
// the others. Its caller gets a MongoDB-shaped error with that document's code (`isDuplicateKeyError`
// recognises it); the rest of the batch is inserted. An error that is not about one document
// (network, server down) rejects every caller of the batch, as an `insertOne` would have failed.
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

export interface BatchedInserterOptions {
  /** Most documents in one `insertMany`. Default 100. */
  maxBatch?: number;
  /** Batches written at the same time. Default 2. */
  maxInFlight?: number;
}

interface Waiting<T> {
  docs: OptionalUnlessRequiredId<T>[];
  resolve(): void;
  reject(error: unknown): void;
}

/** The error one refused document's caller gets: the server's code and message for that document. */
export class DocumentWriteError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'DocumentWriteError';
  }
}

interface PerDocumentError {
  index: number;
  code?: number;
  errmsg?: string;
  message?: string;
}

/** The per-document errors of an unordered bulk insert failure, or undefined when it is not one. */
export function perDocumentErrors(error: unknown): PerDocumentError[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  const out: PerDocumentError[] = [];
  for (const e of list) {
    if (typeof e !== 'object' || e === null) return undefined;
    const index = (e as { index?: unknown }).index;
    if (typeof index !== 'number') return undefined;
    const code = (e as { code?: unknown }).code;
    const errmsg = (e as { errmsg?: unknown }).errmsg;
    out.push({
      index,
      ...(typeof code === 'number' ? { code } : {}),
      ...(typeof errmsg === 'string' ? { errmsg } : {}),
    });
  }
  return out;
}

export class BatchedInserter<T extends Document> {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly queue: Waiting<T>[] = [];
  private inFlight = 0;
  private writtenBatches = 0;
  private writtenDocuments = 0;

  constructor(
    private readonly collection: Collection<T>,
    opts: BatchedInserterOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 100);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
  }

  /** Inserts one document; resolves once it is acknowledged, rejects with its own error. */
  insert(doc: OptionalUnlessRequiredId<T>): Promise<void> {
    return this.insertAll([doc]);
  }

  /**
   * Inserts documents that belong together (one caller); resolves once all are acknowledged,
   * rejects with the first refused one's error (the others are inserted, as with an unordered
   * `insertMany`). They always travel in the same batch.
   */
  insertAll(docs: OptionalUnlessRequiredId<T>[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ docs, resolve, reject });
      this.pump();
    });
  }

  /** Batches and documents written so far (for metrics and tests). */
  stats(): { batches: number; documents: number; waiting: number; inFlight: number } {
    return {
      batches: this.writtenBatches,
      documents: this.writtenDocuments,
      waiting: this.queue.reduce((n, w) => n + w.docs.length, 0),
      inFlight: this.inFlight,
    };
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Waiting<T>[] = [];
      let size = 0;
      // A caller's documents never split across batches; an oversized caller goes alone.
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || size + this.queue[0]!.docs.length <= this.maxBatch)
      ) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.docs.length;
      }
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Waiting<T>[]): Promise<void> {
    const docs = batch.flatMap((w) => w.docs);
    try {
      await this.collection.insertMany(docs, { ordered: false });
      this.count(docs.length);
      for (const w of batch) w.resolve();
    } catch (error) {
      const refused = perDocumentErrors(error);
      if (!refused) {
        for (const w of batch) w.reject(error);
        return;
      }
      this.count(docs.length - refused.length);
      const byIndex = new Map(refused.map((e) => [e.index, e]));
      let offset = 0;
      for (const w of batch) {
        let first: PerDocumentError | undefined;
        for (let i = 0; i < w.docs.length && !first; i += 1) first = byIndex.get(offset + i);
        offset += w.docs.length;
        if (first) {
          w.reject(
            new DocumentWriteError(
              first.code,
              first.errmsg ?? first.message ?? 'document refused',
              first.index,
            ),
          );
        } else {
          w.resolve();
        }
      }
    }
  }

  private count(documents: number): void {
    this.writtenBatches += 1;
    this.writtenDocuments += documents;
  }
}
