import type { Collection, Document } from 'mongodb';
import { BatchedInserter, perDocumentErrors } from './batched-inserter';
import { isDuplicateKeyError } from './duplicate-key';

interface Doc extends Document {
  _id: string;
}

/** A collection whose insertMany is controlled by the test: each call waits until released. */
function fakeCollection(fail?: (docs: Doc[]) => unknown) {
  const calls: { docs: Doc[]; release: () => void }[] = [];
  const collection = {
    insertMany(docs: Doc[], opts: { ordered?: boolean }) {
      expect(opts.ordered).toBe(false);
      return new Promise((resolve, reject) => {
        calls.push({
          docs: [...docs],
          release: () => {
            const error = fail?.(docs);
            if (error) reject(error);
            else resolve({ insertedCount: docs.length });
          },
        });
      });
    },
  } as unknown as Collection<Doc>;
  return { collection, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchedInserter (group commit)', () => {
  it('writes a lone document at once, then coalesces what arrives while batches are in flight', async () => {
    const { collection, calls } = fakeCollection();
    const inserter = new BatchedInserter(collection, { maxInFlight: 1 });
    const first = inserter.insert({ _id: 'a' });
    await tick();
    expect(calls.map((c) => c.docs.map((d) => d._id))).toEqual([['a']]);
    const later = ['b', 'c', 'd'].map((id) => inserter.insert({ _id: id }));
    await tick();
    expect(calls).toHaveLength(1); // waiting for the batch in flight
    let firstDone = false;
    void first.then(() => (firstDone = true));
    calls[0]!.release();
    await tick();
    expect(firstDone).toBe(true);
    expect(calls.map((c) => c.docs.map((d) => d._id))).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]!.release();
    await expect(Promise.all(later)).resolves.toHaveLength(3);
    expect(inserter.stats()).toMatchObject({ batches: 2, documents: 4, waiting: 0, inFlight: 0 });
  });

  it('never resolves a caller before its batch is acknowledged', async () => {
    const { collection, calls } = fakeCollection();
    const inserter = new BatchedInserter(collection);
    let done = false;
    void inserter.insert({ _id: 'x' }).then(() => (done = true));
    await tick();
    await tick();
    expect(done).toBe(false);
    calls[0]!.release();
    await tick();
    expect(done).toBe(true);
  });

  it('cuts batches at maxBatch and never splits one caller’s documents', async () => {
    const { collection, calls } = fakeCollection();
    const inserter = new BatchedInserter(collection, { maxBatch: 3, maxInFlight: 1 });
    void inserter.insert({ _id: 'busy' });
    await tick();
    const pending = [
      inserter.insertAll([{ _id: 'p1' }, { _id: 'p2' }]),
      inserter.insertAll([{ _id: 'q1' }, { _id: 'q2' }]),
      inserter.insert({ _id: 'r' }),
    ];
    calls[0]!.release();
    await tick();
    calls[1]!.release();
    await tick();
    calls[2]!.release();
    await Promise.all(pending);
    expect(calls.map((c) => c.docs.map((d) => d._id))).toEqual([['busy'], ['p1', 'p2'], ['q1', 'q2', 'r']]);
  });

  it('rejects only the callers whose documents were refused, with their own code', async () => {
    const duplicate = Object.assign(new Error('bulk'), {
      writeErrors: [{ index: 1, code: 11000, errmsg: 'E11000 duplicate key error' }],
    });
    const { collection, calls } = fakeCollection((docs) => (docs.length > 1 ? duplicate : undefined));
    const inserter = new BatchedInserter(collection, { maxInFlight: 1 });
    const lone = inserter.insert({ _id: 'first' });
    await tick();
    const results = ['a', 'dup', 'c'].map((id) =>
      inserter.insert({ _id: id }).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    calls[0]!.release();
    await lone;
    await tick();
    calls[1]!.release();
    const [a, dup, c] = await Promise.all(results);
    expect(a).toBe('ok');
    expect(c).toBe('ok');
    expect(isDuplicateKeyError(dup)).toBe(true);
    expect(inserter.stats().documents).toBe(3);
  });

  it('rejects every caller of the batch when the failure is not about one document', async () => {
    const down = new Error('connection closed');
    const { collection, calls } = fakeCollection(() => down);
    const inserter = new BatchedInserter(collection, { maxInFlight: 1 });
    const results = [inserter.insert({ _id: 'a' }), inserter.insertAll([{ _id: 'b' }, { _id: 'c' }])].map(
      (p) =>
        p.then(
          () => 'ok',
          (e: unknown) => e,
        ),
    );
    for (let released = 0; released < 2;) {
      await tick();
      if (calls[released]) calls[released++]!.release();
    }
    expect(await Promise.all(results)).toEqual([down, down]);
    expect(calls.map((c) => c.docs.map((d) => d._id))).toEqual([['a'], ['b', 'c']]);
  });

  it('reads per-document errors in both shapes the driver uses (one or many)', () => {
    expect(perDocumentErrors({ writeErrors: { index: 2, code: 11000 } })).toEqual([
      { index: 2, code: 11000 },
    ]);
    expect(perDocumentErrors({ writeErrors: [{ index: 0, code: 1, errmsg: 'x' }] })).toEqual([
      { index: 0, code: 1, errmsg: 'x' },
    ]);
    expect(perDocumentErrors(new Error('plain'))).toBeUndefined();
    expect(perDocumentErrors({ writeErrors: [{ code: 1 }] })).toBeUndefined();
  });
});
