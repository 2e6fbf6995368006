// In-process serialisation of writes to one document.
//
// Why: FerretDB 1.24 (our local and test MongoDB) executes an update as "query the document,
// apply the operators in FerretDB, write the whole document back by _id" with nothing preventing
// a concurrent update of the same document in between (internal/handler/msg_update.go and
// backends/postgresql/collection.go UpdateAll). Two concurrent `$inc` on one document lose
// increments (measured: 2 writers x 100 updates -> 131), and an outbox `$pullAll` racing a
// service's `$push` can silently drop the service's state change and its new events. MongoDB
// itself is atomic per document, so this is a FerretDB-only hazard, but a real one wherever the
// platform runs on FerretDB.
//
// Every writer of a document that can be written concurrently (the outbox relay, applyOnce, and
// the services' own aggregate updates) takes this lock around its single update. It serialises
// writers inside one process; on FerretDB, run one process per service (the local stack does).
// On MongoDB it only costs a little parallelism on hot documents.
import type { Collection, Document } from 'mongodb';

const REGISTRY_KEY = Symbol.for('sp.messaging.documentLocks');
type GlobalWithLocks = typeof globalThis & { [REGISTRY_KEY]?: Map<string, Promise<void>> };

// One table per process even if this module is loaded twice (src and dist).
function tails(): Map<string, Promise<void>> {
  const g = globalThis as GlobalWithLocks;
  let table = g[REGISTRY_KEY];
  if (table === undefined) {
    table = new Map();
    g[REGISTRY_KEY] = table;
  }
  return table;
}

export function documentLockKey(
  collection: Pick<Collection<Document>, 'dbName' | 'collectionName'>,
  id: unknown,
): string {
  return `${collection.dbName}.${collection.collectionName}:${String(id)}`;
}

async function acquire(key: string): Promise<() => void> {
  const table = tails();
  const previous = table.get(key) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => held);
  table.set(key, tail);
  await previous;
  return () => {
    release();
    if (table.get(key) === tail) table.delete(key);
  };
}

/** Runs `fn` while holding the locks of all `keys` (taken in sorted order: no deadlock between multi-key holders). */
export async function withLockKeys<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
  const releases: Array<() => void> = [];
  try {
    for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
    return await fn();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

/** Runs `fn` (typically one updateOne on that document) with no other locked write of the same document in flight in this process. */
export function withDocumentLock<T>(
  collection: Collection<Document>,
  id: unknown,
  fn: () => Promise<T>,
): Promise<T> {
  return withLockKeys([documentLockKey(collection, id)], fn);
}

/** Same for several documents of one collection (e.g. one updateMany over a batch). */
export function withDocumentLocks<T>(
  collection: Collection<Document>,
  ids: unknown[],
  fn: () => Promise<T>,
): Promise<T> {
  return withLockKeys(
    ids.map((id) => documentLockKey(collection, id)),
    fn,
  );
}
