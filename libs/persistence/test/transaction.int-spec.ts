// inTransaction on the real replica set: writes to several documents commit together or not at
// all, and concurrent transactions on the same documents (WriteConflict, retried by the driver's
// withTransaction) lose nothing.
import { MongoClient, type Collection, type Db } from 'mongodb';
import { testDatabaseName, testInfra } from '@sp/testing';
import { connectMongo } from '../src/mongo-connection';
import { inTransaction } from '../src/transaction';

jest.setTimeout(60_000);

interface Account {
  _id: string;
  balance: number;
}

describe('inTransaction on the real database', () => {
  let client: MongoClient;
  let db: Db;
  let accounts: Collection<Account>;
  let ledger: Collection<{ _id: string; from: string; to: string; amount: number }>;

  beforeAll(async () => {
    client = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('persist-tx')));
    await client.connect();
    db = client.db();
    // Collections exist before transactions write to them.
    accounts = await db.createCollection<Account>('accounts');
    ledger = await db.createCollection('ledger');
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  const transfer = (id: string, from: string, to: string, amount: number, fail = false) =>
    inTransaction(client, async (session) => {
      await accounts.updateOne({ _id: from }, { $inc: { balance: -amount } }, { session });
      await accounts.updateOne({ _id: to }, { $inc: { balance: amount } }, { session });
      await ledger.insertOne({ _id: id, from, to, amount }, { session });
      if (fail) throw new Error('refused after the writes');
      return id;
    });

  it('commits every write together and returns the result', async () => {
    await accounts.insertMany([
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ]);
    expect(await transfer('t1', 'a', 'b', 30)).toBe('t1');
    expect(await accounts.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', balance: 70 },
      { _id: 'b', balance: 30 },
    ]);
    expect(await ledger.countDocuments()).toBe(1);
  });

  it('keeps nothing when the work throws', async () => {
    await expect(transfer('t2', 'a', 'b', 10, true)).rejects.toThrow('refused after the writes');
    expect((await accounts.findOne({ _id: 'a' }))?.balance).toBe(70);
    expect(await ledger.findOne({ _id: 't2' })).toBeNull();
  });

  it('loses nothing when concurrent transactions write the same documents (conflicts are retried)', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    await Promise.all(
      ids.map((id, i) => (i % 2 === 0 ? transfer(id, 'a', 'b', 1) : transfer(id, 'b', 'a', 2))),
    );
    const balances = Object.fromEntries((await accounts.find().toArray()).map((x) => [x._id, x.balance]));
    // 6 transfers of 1 from a to b, 6 of 2 from b to a.
    expect(balances).toEqual({ a: 70 - 6 + 12, b: 30 + 6 - 12 });
    expect(await ledger.countDocuments()).toBe(1 + ids.length);
  });

  it('works from the mongoose connection the services hold', async () => {
    const connection = await connectMongo(testInfra.mongoUrlFor(db.databaseName));
    try {
      const n = await inTransaction(connection, async (session) => {
        await connection.db!.collection('ledger').insertOne({ _id: 'via-mongoose' } as never, { session });
        return connection.db!.collection('ledger').countDocuments({}, { session });
      });
      expect(n).toBe(14);
    } finally {
      await connection.close();
    }
  });
});
