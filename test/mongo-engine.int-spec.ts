import { Decimal128, MongoClient, MongoServerError, type Db } from 'mongodb';
import { testDatabaseName, testInfra, waitFor } from '@sp/testing';

// What the platform relies on from its MongoDB-wire server, proved against the one the tests use
// (SecantusDB locally and in CI; the same file passes on MongoDB 7 with TEST_MONGO_URL pointing at a
// replica set). The FerretDB 1.24 failures that made us replace it are asserted here as MongoDB
// behaviour, so a regression of the engine cannot pass unnoticed: isolated concurrent writes,
// multi-document transactions, change streams, partial indexes, `$slice`, `$pull` conditions,
// pipeline updates, Decimal128, indexes used by equality lookups.
//
// Known SecantusDB gaps are pinned as they are today, each beside the construct we use instead,
// so that an upgrade that closes a gap makes this file fail and the workaround can be retired.

describe('MongoDB-wire engine', () => {
  const dbName = testDatabaseName('engine');
  let client: MongoClient;
  let db: Db;
  let secantusVersion: string | undefined;

  beforeAll(async () => {
    client = await MongoClient.connect(testInfra.mongoUrlFor(dbName));
    db = client.db();
    const info = await db.admin().command({ buildInfo: 1 });
    secantusVersion = typeof info['secantusVersion'] === 'string' ? info['secantusVersion'] : undefined;
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('is the writable primary of a replica set (transactions and change streams need one)', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello['isWritablePrimary']).toBe(true);
    expect(typeof hello['setName']).toBe('string');
  });

  it('isolates concurrent updates of one document across connections (8 x 250 $inc = 2,000)', async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, () => MongoClient.connect(testInfra.mongoUrlFor(dbName), { maxPoolSize: 1 })),
    );
    try {
      await db.collection<{ _id: string; n: number }>('counters').insertOne({ _id: 'c', n: 0 });
      await Promise.all(
        clients.map(async (c) => {
          const counters = c.db().collection<{ _id: string; n: number }>('counters');
          for (let i = 0; i < 250; i += 1) await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } });
        }),
      );
      expect((await db.collection<{ _id: string; n: number }>('counters').findOne({ _id: 'c' }))?.n).toBe(
        2000,
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('gives each job to exactly one of six workers claiming with findOneAndUpdate', async () => {
    type Job = { _id: number; claimedBy?: number };
    const jobs = db.collection<Job>('jobs');
    await jobs.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i })));
    const claims: Array<{ worker: number; job: number }> = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        for (;;) {
          const job = await jobs.findOneAndUpdate(
            { claimedBy: { $exists: false } },
            { $set: { claimedBy: worker } },
            { returnDocument: 'after' },
          );
          if (!job) return;
          claims.push({ worker, job: job._id });
        }
      }),
    );
    expect(claims).toHaveLength(200);
    expect(new Set(claims.map((c) => c.job)).size).toBe(200);
    for (const { worker, job } of claims) expect((await jobs.findOne({ _id: job }))?.claimedBy).toBe(worker);
  });

  it('commits a multi-document transaction all together, and an aborted one not at all', async () => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await db.collection('tx_a').insertOne({ _id: 'kept' } as never, { session });
        await db.collection('tx_b').insertOne({ _id: 'kept' } as never, { session });
      });
      session.startTransaction();
      await db.collection('tx_a').insertOne({ _id: 'dropped' } as never, { session });
      // Not visible outside the transaction before commit.
      expect(await db.collection('tx_a').countDocuments({ _id: 'dropped' } as never)).toBe(0);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await db.collection('tx_a').countDocuments()).toBe(1);
    expect(await db.collection('tx_b').countDocuments()).toBe(1);
  });

  it('makes the second of two conflicting transactions fail as transient, and withTransaction retries it', async () => {
    const docs = db.collection<{ _id: string; n: number }>('tx_conflict');
    await docs.insertOne({ _id: 'x', n: 0 });
    const first = client.startSession();
    const second = client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await docs.updateOne({ _id: 'x' }, { $inc: { n: 1 } }, { session: first });
      const conflict = await docs.updateOne({ _id: 'x' }, { $inc: { n: 1 } }, { session: second }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(conflict).toBeInstanceOf(MongoServerError);
      expect((conflict as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      await second.abortTransaction();
      await first.commitTransaction();
      await second.withTransaction(async () => {
        await docs.updateOne({ _id: 'x' }, { $inc: { n: 1 } }, { session: second });
      });
    } finally {
      await first.endSession();
      await second.endSession();
    }
    expect((await docs.findOne({ _id: 'x' }))?.n).toBe(2);
  });

  it('streams changes to a watcher, resumable from a resume token', async () => {
    const watched = db.collection<{ _id: string; v: number }>('watched');
    await watched.insertOne({ _id: 'before', v: 0 });
    const stream = watched.watch([], { fullDocument: 'updateLookup' });
    const seen: string[] = [];
    let token: unknown;
    stream.on('change', (change) => {
      seen.push(`${change.operationType}:${'documentKey' in change ? String(change.documentKey._id) : ''}`);
      token ??= change._id;
    });
    try {
      // The stream opens asynchronously: write until the first change is seen.
      await waitFor(
        async () => {
          await watched.updateOne({ _id: 'before' }, { $inc: { v: 1 } });
          return seen.length > 0;
        },
        { timeoutMs: 10_000, intervalMs: 200, description: 'the change stream to deliver an update' },
      );
      await watched.insertOne({ _id: 'after', v: 1 });
      await waitFor(async () => seen.includes('insert:after'), {
        timeoutMs: 10_000,
        description: 'the insert to be streamed',
      });
    } finally {
      await stream.close();
    }
    const resumed = watched.watch([], { resumeAfter: token as never });
    try {
      const next = await resumed.next();
      expect(next.operationType).toBeDefined();
    } finally {
      await resumed.close();
    }
  });

  it('enforces a partial unique index only on the documents it covers', async () => {
    const keyed = db.collection<{ _id: string; key?: string }>('keyed');
    await keyed.createIndex(
      { key: 1 },
      { unique: true, partialFilterExpression: { key: { $type: 'string' } }, name: 'key_when_present' },
    );
    await keyed.insertMany([{ _id: 'no-key-1' }, { _id: 'no-key-2' }, { _id: 'k1', key: 'a' }]);
    await expect(keyed.insertOne({ _id: 'k2', key: 'a' })).rejects.toMatchObject({ code: 11000 });
  });

  it('applies the update operators the platform uses, atomically', async () => {
    type Doc = {
      _id: string;
      ids: string[];
      outbox: Array<{ id: string }>;
      pending?: boolean;
      items: Array<{ k: number; v: number }>;
    };
    const docs = db.collection<Doc>('operators');
    await docs.insertOne({
      _id: 'd',
      ids: ['1', '2'],
      outbox: [{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }],
      items: [
        { k: 1, v: 0 },
        { k: 2, v: 0 },
      ],
    });
    // $push with $slice keeps the last N
    await docs.updateOne({ _id: 'd' }, { $push: { ids: { $each: ['3', '4'], $slice: -3 } } });
    // $pull with a condition on the elements
    await docs.updateOne({ _id: 'd' }, { $pull: { outbox: { id: { $in: ['e1'] } } } });
    // arrayFilters
    await docs.updateOne({ _id: 'd' }, { $set: { 'items.$[i].v': 9 } }, { arrayFilters: [{ 'i.k': 2 }] });
    // a pipeline update that reads what it writes
    await docs.updateOne({ _id: 'd' }, [
      { $set: { outbox: { $filter: { input: '$outbox', cond: { $ne: ['$$this.id', 'e2'] } } } } },
      { $set: { pending: { $gt: [{ $size: '$outbox' }, 0] } } },
    ]);
    expect(await docs.findOne({ _id: 'd' })).toEqual({
      _id: 'd',
      ids: ['2', '3', '4'],
      outbox: [{ id: 'e3' }],
      pending: true,
      items: [
        { k: 1, v: 0 },
        { k: 2, v: 9 },
      ],
    });
  });

  it('round-trips Decimal128 and enforces a $jsonSchema validator', async () => {
    const money = db.collection<{ _id: string; amount: Decimal128 }>('money');
    await money.insertOne({ _id: 'm', amount: Decimal128.fromString('10.10') });
    expect((await money.findOne({ _id: 'm' }))?.amount.toString()).toBe('10.10');
    await db.createCollection('validated', { validator: { $jsonSchema: { required: ['code'] } } });
    await expect(db.collection('validated').insertOne({ other: 1 })).rejects.toMatchObject({ code: 121 });
  });

  it('answers equality on _id and on a leading index key from the index', async () => {
    const things = db.collection<{ _id: string; code: string }>('indexed');
    await things.createIndex({ code: 1 });
    await things.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `t${i}`, code: `c${i}` })));
    const plan = async (filter: object): Promise<string> =>
      JSON.stringify((await things.find(filter).explain()).queryPlanner);
    expect(await plan({ _id: 't3' })).toMatch(/IXSCAN|IDHACK|EXPRESS/);
    expect(await plan({ code: 'c3' })).toMatch(/IXSCAN/);
    expect(await plan({ code: 'c3' })).not.toMatch(/COLLSCAN/);
  });

  describe('known gaps of SecantusDB (pinned; on MongoDB the other branch asserts the correct answer)', () => {
    it('an aggregation field path through an array: we use $map, which is right on both', async () => {
      const orders = db.collection<{ _id: string; items: Array<{ p: number }> }>('orders');
      await orders.insertOne({ _id: 'o', items: [{ p: 2 }, { p: 3 }] });
      const [viaMap] = await orders
        .aggregate<{ ps: number[]; total: number }>([
          {
            $project: {
              ps: { $map: { input: '$items', in: '$$this.p' } },
              total: { $sum: { $map: { input: '$items', in: '$$this.p' } } },
            },
          },
        ])
        .toArray();
      expect(viaMap).toMatchObject({ ps: [2, 3], total: 5 });

      const [viaPath] = await orders
        .aggregate<{ ps?: number[]; total: number }>([
          { $project: { ps: '$items.p', total: { $sum: '$items.p' } } },
        ])
        .toArray();
      if (secantusVersion !== undefined) {
        // SecantusDB 0.5.3-beta.196 returns nothing here, silently. If this fails after an
        // upgrade, the gap is fixed: update docs/decisions.md (ADR 17) and this test.
        expect(viaPath?.ps).toBeUndefined();
        expect(viaPath?.total).toBe(0);
      } else {
        expect(viaPath).toMatchObject({ ps: [2, 3], total: 5 });
      }
    });

    it('text indexes: not supported by SecantusDB, and the platform does not use $text', async () => {
      const texts = db.collection('texts');
      const created = texts.createIndex({ body: 'text' });
      if (secantusVersion !== undefined) {
        await expect(created).rejects.toThrow(/text/i);
      } else {
        await expect(created).resolves.toBe('body_text');
      }
    });
  });
});
