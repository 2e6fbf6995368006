// applyOnce on the real database, with no lock: MongoDB applies each single-document update
// atomically, so concurrent deliveries of the same event apply once, distinct events racing to
// create the same document all apply, and `$slice` bounds the markers in the same update.
import { MongoClient, type Collection, type Document } from 'mongodb';
import { testDatabaseName, testInfra } from '@sp/testing';
import { isDomainError } from '@sp/errors';
import { applyOnce } from '../src/apply-once';

jest.setTimeout(60_000);

describe('applyOnce on the real database', () => {
  let mongo: MongoClient;
  let counters: Collection<Document>;
  let totals: Collection<Document>;

  beforeAll(async () => {
    mongo = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('msg_apply_once')));
    await mongo.connect();
    counters = mongo.db().collection('counters');
    totals = mongo.db().collection('totals');
    // Collections exist before any transaction writes to them.
    await mongo.db().createCollection('counters');
    await mongo.db().createCollection('totals');
  });

  afterAll(async () => {
    await mongo.db().dropDatabase();
    await mongo.close();
  });

  it('applies concurrent distinct events once each and duplicates never, creating the document', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `evt-${i}`);
    // Every event delivered twice, all at once, on a document that does not exist yet: the first
    // upserts race to insert it; the losers of distinct events must still apply.
    const outcomes = await Promise.all(
      [...ids, ...ids].map((id) => applyOnce(counters, 'c1', id, { $inc: { n: 1 } }, { upsert: true })),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(30);
    const doc = await counters.findOne({ _id: 'c1' } as Document);
    expect(doc?.['n']).toBe(30);
    expect([...(doc?.['appliedEventIds'] as string[])].sort()).toEqual([...ids].sort());
  });

  it('keeps every increment of many concurrent events on one existing document', async () => {
    await counters.insertOne({ _id: 'c2', n: 0 } as Document);
    const ids = Array.from({ length: 200 }, (_, i) => `e2-${i}`);
    await Promise.all(ids.map((id) => applyOnce(counters, 'c2', id, { $inc: { n: 1 } })));
    expect((await counters.findOne({ _id: 'c2' } as Document))?.['n']).toBe(200);
  });

  it('bounds the markers to the newest keepLast with $slice, at every apply', async () => {
    for (let i = 0; i < 12; i += 1) {
      await applyOnce(counters, 'c3', `e-${i}`, { $inc: { n: 1 } }, { upsert: true, keepLast: 5 });
      const markers = (await counters.findOne({ _id: 'c3' } as Document))?.['appliedEventIds'] as string[];
      expect(markers.length).toBe(Math.min(i + 1, 5));
    }
    const doc = await counters.findOne({ _id: 'c3' } as Document);
    expect(doc?.['n']).toBe(12);
    expect(doc?.['appliedEventIds']).toEqual(['e-7', 'e-8', 'e-9', 'e-10', 'e-11']);
    // A recent event is still caught; one older than the window would apply again (documented).
    expect(await applyOnce(counters, 'c3', 'e-11', { $inc: { n: 1 } }, { keepLast: 5 })).toBe('duplicate');
    expect(await applyOnce(counters, 'c3', 'e-0', { $inc: { n: 1 } }, { keepLast: 5 })).toBe('applied');
  });

  it('throws a retriable domain error when the document does not exist and upsert is off', async () => {
    const error = await applyOnce(counters, 'missing', 'e', { $inc: { n: 1 } }).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('MESSAGING.APPLY_TARGET_NOT_FOUND');
    expect(isDomainError(error) && error.retriable).toBe(true);
  });

  it('applies inside a transaction: two documents for one event, all or nothing, duplicates recognised', async () => {
    const applyBoth = async (eventId: string, fail = false): Promise<string[]> => {
      const session = mongo.startSession();
      try {
        return await session.withTransaction(async () => {
          const a = await applyOnce(counters, 'tx-a', eventId, { $inc: { n: 1 } }, { upsert: true, session });
          const b = await applyOnce(totals, 'tx-b', eventId, { $inc: { n: 5 } }, { upsert: true, session });
          if (fail) throw new Error('handler failed after both writes');
          return [a, b];
        });
      } finally {
        await session.endSession();
      }
    };

    expect(await applyBoth('tx-1')).toEqual(['applied', 'applied']);
    // A redelivery inside a transaction: recognised without aborting it, nothing applied again.
    expect(await applyBoth('tx-1')).toEqual(['duplicate', 'duplicate']);
    // A failure after both writes: neither is kept.
    await expect(applyBoth('tx-2', true)).rejects.toThrow('handler failed');
    expect((await counters.findOne({ _id: 'tx-a' } as Document))?.['n']).toBe(1);
    expect((await totals.findOne({ _id: 'tx-b' } as Document))?.['n']).toBe(5);
    expect(await applyBoth('tx-2')).toEqual(['applied', 'applied']);

    // Concurrent transactions on the same two documents conflict (WriteConflict) and are retried
    // by withTransaction: every event is applied once to both.
    const events = Array.from({ length: 8 }, (_, i) => `tx-c${i}`);
    await Promise.all(events.map((id) => applyBoth(id)));
    expect((await counters.findOne({ _id: 'tx-a' } as Document))?.['n']).toBe(2 + events.length);
    expect((await totals.findOne({ _id: 'tx-b' } as Document))?.['n']).toBe(5 * (2 + events.length));
  });
});
