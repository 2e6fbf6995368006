import type { Collection, Document } from 'mongodb';
import { documentLockKey, withDocumentLock, withDocumentLocks, withLockKeys } from './document-lock';

const collection = { dbName: 'db', collectionName: 'things' } as unknown as Collection<Document>;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('document locks', () => {
  it('serialises writers of the same document', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const write = async (): Promise<void> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick();
      await tick();
      inFlight -= 1;
    };
    await Promise.all(Array.from({ length: 20 }, () => withDocumentLock(collection, 'doc-1', write)));
    expect(maxInFlight).toBe(1);
  });

  it('lets writers of different documents run in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const write = async (): Promise<void> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick();
      inFlight -= 1;
    };
    await Promise.all(['a', 'b', 'c'].map((id) => withDocumentLock(collection, id, write)));
    expect(maxInFlight).toBe(3);
  });

  it('keeps the order in which writers asked for the lock', async () => {
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        withDocumentLock(collection, 'ordered', async () => {
          await tick();
          order.push(n);
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('does not deadlock multi-document holders taking overlapping sets in different orders', async () => {
    const done = await Promise.all([
      withDocumentLocks(collection, ['x', 'y', 'z'], async () => {
        await tick();
        return 1;
      }),
      withDocumentLocks(collection, ['z', 'x'], async () => {
        await tick();
        return 2;
      }),
      withDocumentLock(collection, 'y', async () => 3),
    ]);
    expect(done).toEqual([1, 2, 3]);
  });

  it('releases the lock when the writer throws', async () => {
    await expect(
      withDocumentLock(collection, 'boom', async () => Promise.reject(new Error('write failed'))),
    ).rejects.toThrow('write failed');
    await expect(withDocumentLock(collection, 'boom', async () => 'next')).resolves.toBe('next');
  });

  it('keys by database, collection and id', async () => {
    expect(documentLockKey(collection, 42)).toBe('db.things:42');
    await expect(withLockKeys([], async () => 'no keys')).resolves.toBe('no keys');
  });
});
