// The database side of the outbox relay, as plain values: what it queries, the update that marks
// entries published, what its change stream listens for, and the order it publishes in. Pure, so
// unit-tested without a server; every expression avoids field paths through arrays (`'$outbox.id'`)
// and works element by element (`$filter` over `$$this`).
import type { Collection, Document } from 'mongodb';
import { OUTBOX_FIELD, OUTBOX_PENDING_FIELD, type OutboxEntry } from './outbox-entry';

/** Documents with pending entries: an equality on the indexed flag. */
export const PENDING_OUTBOX_FILTER: Document = { [OUTBOX_PENDING_FIELD]: true };

/** The index the relay's pending query runs on (created by the relay at its first pass). */
export const PENDING_OUTBOX_INDEX: Document = { [OUTBOX_PENDING_FIELD]: 1 };

const OUTBOX = `$${OUTBOX_FIELD}`;

/**
 * The update that marks documents' published entries: removes the entries whose event id is in
 * `publishedIds` and sets the pending flag to whether anything is left, in ONE atomic update of
 * each document (a pipeline update). An entry a writer appended after the relay read the document
 * is not in `publishedIds`, so it stays and keeps the flag up: nothing is stranded, and no lock is
 * needed. Non-object entries are kept (they have no id): malformed entries stay for a human.
 */
export function markPublishedUpdate(publishedIds: string[]): Document[] {
  return [
    {
      $set: {
        [OUTBOX_FIELD]: {
          $filter: {
            input: { $ifNull: [OUTBOX, []] },
            cond: { $not: [{ $in: ['$$this.id', publishedIds] }] },
          },
        },
      },
    },
    { $set: { [OUTBOX_PENDING_FIELD]: { $gt: [{ $size: OUTBOX }, 0] } } },
  ];
}

/** Pending entries of a collection: one indexed match, then the size of each outbox array. */
export const BACKLOG_PIPELINE: Document[] = [
  { $match: PENDING_OUTBOX_FILTER },
  {
    $group: {
      _id: null,
      n: { $sum: { $cond: [{ $isArray: OUTBOX }, { $size: OUTBOX }, 0] } },
    },
  },
];

/**
 * Change-stream pipeline that wakes the relay when a document of `collectionNames` BECOMES pending:
 * an insert (or replace) carrying the flag, or an update that raised it. An append to a document
 * that is already pending raises nothing (the flag did not change), which is fine: a pending
 * document is either in the pass running now or found by the poll that follows a pass with work.
 * Everything else (the relay's own marking, unrelated writes) is filtered out by the server.
 */
export function pendingChangesPipeline(collectionNames: string[]): Document[] {
  return [
    {
      $match: {
        'ns.coll': { $in: collectionNames },
        $or: [
          {
            operationType: { $in: ['insert', 'replace'] },
            [`fullDocument.${OUTBOX_PENDING_FIELD}`]: true,
          },
          {
            operationType: 'update',
            [`updateDescription.updatedFields.${OUTBOX_PENDING_FIELD}`]: true,
          },
        ],
      },
    },
    { $project: { _id: 1, operationType: 1 } },
  ];
}

/**
 * The name of the lease the relays of one set of collections share: every instance of a service
 * relays the same collections, so they compete for the same lease and one of them publishes.
 */
export function relayLeaseName(collections: Array<Pick<Collection<Document>, 'namespace'>>): string {
  return `outbox:${[...new Set(collections.map((c) => c.namespace))].sort().join(',')}`;
}

/**
 * The entries of one pass in the order they were written: each document's entries keep their
 * stored order (per-aggregate order is strict), and documents are interleaved by entry `createdAt`
 * (a k-way merge; ties keep the order the documents were read in). So when an organisation's
 * document and one of its services' documents both have entries in a pass, the partition keyed by
 * the organisation receives them as they happened, not collection by collection.
 */
export function inWriteOrder(perDocument: OutboxEntry[][]): OutboxEntry[] {
  const timeOf = (e: OutboxEntry): number => {
    const t = e.createdAt instanceof Date ? e.createdAt.getTime() : Date.parse(String(e.createdAt));
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  // A binary min-heap of each document's next entry, keyed by (time, document index): O(n log d).
  interface Head {
    time: number;
    doc: number;
    at: number;
  }
  const before = (a: Head, b: Head): boolean => a.time < b.time || (a.time === b.time && a.doc < b.doc);
  const heap: Head[] = [];
  const push = (h: Head): void => {
    let i = heap.push(h) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): Head => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  perDocument.forEach((entries, doc) => {
    if (entries.length > 0) push({ time: timeOf(entries[0]!), doc, at: 0 });
  });
  const out: OutboxEntry[] = [];
  while (heap.length > 0) {
    const { doc, at } = pop();
    const entries = perDocument[doc]!;
    out.push(entries[at]!);
    if (at + 1 < entries.length) push({ time: timeOf(entries[at + 1]!), doc, at: at + 1 });
  }
  return out;
}
