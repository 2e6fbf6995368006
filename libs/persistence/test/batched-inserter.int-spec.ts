// Group commit on the real database (SecantusDB locally, MongoDB in production): a burst of concurrent inserts
// is written in fewer round trips, every acknowledged document is stored, and a refused document
// (duplicate `_id`, unique index) fails only its own caller.
import { MongoClient, type Collection, type Db } from 'mongodb';
import { testDatabaseName, testInfra } from '@sp/testing';
import { BatchedInserter } from '../src/batched-inserter';
import { isDuplicateKeyError } from '../src/duplicate-key';

jest.setTimeout(60_000);

interface Row {
  _id: string;
  owner: string;
  key: string;
  n: number;
}

describe('BatchedInserter on the real database', () => {
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    client = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('persist-batch')));
    await client.connect();
    db = client.db();
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  async function freshCollection(name: string): Promise<Collection<Row>> {
    const c = db.collection<Row>(name);
    await c.createIndex({ owner: 1, key: 1 }, { unique: true });
    return c;
  }

  it('stores every document of a concurrent burst, in fewer batches than documents', async () => {
    const rows = await freshCollection('burst');
    const inserter = new BatchedInserter(rows, { maxInFlight: 2 });
    const docs = Array.from({ length: 120 }, (_, n) => ({ _id: `r${n}`, owner: 'o', key: `k${n}`, n }));
    await Promise.all(docs.map((d) => inserter.insert(d)));
    expect(await rows.countDocuments({})).toBe(120);
    expect((await rows.find({}).sort({ n: 1 }).toArray()).map((r) => r._id)).toEqual(docs.map((d) => d._id));
    const { batches, documents } = inserter.stats();
    expect(documents).toBe(120);
    expect(batches).toBeLessThan(120);
  });

  it('fails only the callers of duplicate ids and duplicate unique keys; the rest are stored', async () => {
    const rows = await freshCollection('dups');
    await rows.insertOne({ _id: 'taken', owner: 'o', key: 'used', n: 0 });
    const inserter = new BatchedInserter(rows, { maxInFlight: 1 });
    const attempts = [
      { _id: 'a', owner: 'o', key: 'a', n: 1 },
      { _id: 'taken', owner: 'o', key: 'other', n: 2 }, // duplicate _id
      { _id: 'b', owner: 'o', key: 'used', n: 3 }, // duplicate unique key
      { _id: 'c', owner: 'o', key: 'c', n: 4 },
      { _id: 'd', owner: 'o', key: 'c', n: 5 }, // duplicate of a key in the same burst
    ];
    const outcomes = await Promise.all(
      attempts.map((d) =>
        inserter.insert(d).then(
          () => 'stored',
          (e: unknown) => (isDuplicateKeyError(e) ? 'duplicate' : `other: ${String(e)}`),
        ),
      ),
    );
    expect(outcomes).toEqual(['stored', 'duplicate', 'duplicate', 'stored', 'duplicate']);
    expect((await rows.find({}).sort({ _id: 1 }).toArray()).map((r) => [r._id, r.key])).toEqual([
      ['a', 'a'],
      ['c', 'c'],
      ['taken', 'used'],
    ]);
  });
});
