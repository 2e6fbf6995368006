// FerretDB 1.24 has no per-document atomicity under concurrency (an update reads, modifies in
// FerretDB and writes the whole document back). withDocumentLock is what keeps concurrent
// writers of one process from losing each other's updates.
import { MongoClient, type Collection, type Document } from 'mongodb';
import { testDatabaseName, testInfra } from '@sp/testing';
import { applyOnce } from '../src/apply-once';
import { withDocumentLock } from '../src/document-lock';

jest.setTimeout(60_000);

describe('document lock on the real database', () => {
  let mongo: MongoClient;
  let counters: Collection<Document>;

  beforeAll(async () => {
    // A small pool on purpose: FerretDB 1.24 can deadlock under many concurrent connections.
    mongo = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('msg_lock')), { maxPoolSize: 4 });
    await mongo.connect();
    counters = mongo.db().collection('counters');
  });

  afterAll(async () => {
    await mongo.db().dropDatabase();
    await mongo.close();
  });

  it('keeps every one of many concurrent updates to one document', async () => {
    await counters.insertOne({ _id: 'c1', n: 0, seen: [] } as Document);
    const writer = async (tag: string): Promise<void> => {
      for (let i = 0; i < 40; i += 1) {
        await withDocumentLock(counters, 'c1', () =>
          counters.updateOne(
            { _id: 'c1' } as Document,
            { $inc: { n: 1 }, $push: { seen: `${tag}${i}` } } as Document,
          ),
        );
      }
    };
    await Promise.all(['a', 'b', 'c'].map(writer));
    const doc = await counters.findOne({ _id: 'c1' } as Document);
    expect(doc?.['n']).toBe(120);
    expect(doc?.['seen']).toHaveLength(120);
  });

  it('applyOnce applies concurrent distinct events once each and duplicates never', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `evt-${i}`);
    // Every event delivered twice, all at once: 60 concurrent applications on one document.
    const outcomes = await Promise.all(
      [...ids, ...ids].map((id) => applyOnce(counters, 'c2', id, { $inc: { n: 1 } }, { upsert: true })),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(30);
    const doc = await counters.findOne({ _id: 'c2' } as Document);
    expect(doc?.['n']).toBe(30);
  });

  it('bounds the markers kept per document', async () => {
    for (let i = 0; i < 12; i += 1)
      await applyOnce(counters, 'c3', `e-${i}`, { $inc: { n: 1 } }, { upsert: true, keepLast: 5 });
    const doc = await counters.findOne({ _id: 'c3' } as Document);
    expect(doc?.['n']).toBe(12);
    const markers = doc?.['appliedEventIds'] as string[];
    // keepLast 5 checks every apply: at most 5 remain, and they are the newest.
    expect(markers).toEqual(['e-7', 'e-8', 'e-9', 'e-10', 'e-11']);
    // An old event whose marker was trimmed is outside the window; a recent one is still caught.
    expect(await applyOnce(counters, 'c3', 'e-11', { $inc: { n: 1 } }, { upsert: true, keepLast: 5 })).toBe(
      'duplicate',
    );
  });
});
