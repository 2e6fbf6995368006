// Group commit for inserts: documents inserted concurrently by many requests go to the database
// together, in one `insertMany` per batch, and each caller's promise settles only when ITS document
// is acknowledged (or refused). Nothing is acknowledged before it is written, so durability is the
// same as one `insertOne` per document; what changes is the number of round trips (and of journal
// commits on the server: one per batch instead of one per document).
//
// Batching is GroupCommit's (no timer: a lone request pays no extra latency).
//
// Batches are unordered (`ordered: false`): one refused document (a duplicate key) does not stop
// the others. Its caller gets a MongoDB-shaped error with that document's code (`isDuplicateKeyError`
// recognises it); the rest of the batch is inserted. An error that is not about one document
// (network, server down) rejects every caller of the batch, as an `insertOne` would have failed.
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

/** Most documents in one `insertMany` (default 100) and batches written at once (default 2). */
export type BatchedInserterOptions = GroupCommitOptions;

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
  private readonly commit: GroupCommit<OptionalUnlessRequiredId<T>>;
  private readonly documentsRefused = { count: 0 };

  constructor(
    private readonly collection: Collection<T>,
    opts: BatchedInserterOptions = {},
  ) {
    this.commit = new GroupCommit((requests) => this.write(requests), opts);
  }

  /** Inserts one document; resolves once it is acknowledged, rejects with its own error. */
  insert(doc: OptionalUnlessRequiredId<T>): Promise<void> {
    return this.commit.submit([doc]);
  }

  /**
   * Inserts documents that belong together (one caller); resolves once all are acknowledged,
   * rejects with the first refused one's error (the others are inserted, as with an unordered
   * `insertMany`). They always travel in the same batch.
   */
  insertAll(docs: OptionalUnlessRequiredId<T>[]): Promise<void> {
    return this.commit.submit(docs);
  }

  /** Batches and documents written so far (for metrics and tests). */
  stats(): { batches: number; documents: number; waiting: number; inFlight: number } {
    const { batches, items, waiting, inFlight } = this.commit.stats();
    // Documents of a caller that had one refused were inserted too (unordered insert).
    return { batches, documents: items + this.documentsRefused.count, waiting, inFlight };
  }

  private async write(requests: OptionalUnlessRequiredId<T>[][]): Promise<Array<unknown | undefined>> {
    const docs = requests.flat();
    try {
      await this.collection.insertMany(docs, { ordered: false });
      return requests.map(() => undefined);
    } catch (error) {
      const refused = perDocumentErrors(error);
      if (!refused) throw error;
      const byIndex = new Map(refused.map((e) => [e.index, e]));
      let offset = 0;
      return requests.map((items) => {
        let first: PerDocumentError | undefined;
        for (let i = 0; i < items.length && !first; i += 1) first = byIndex.get(offset + i);
        const inserted = items.length - items.filter((_, i) => byIndex.has(offset + i)).length;
        offset += items.length;
        if (!first) return undefined;
        this.documentsRefused.count += inserted;
        return new DocumentWriteError(
          first.code,
          first.errmsg ?? first.message ?? 'document refused',
          first.index,
        );
      });
    }
  }
}
