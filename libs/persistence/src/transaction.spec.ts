import type { ClientSession, MongoClient, TransactionOptions } from 'mongodb';
import type { Connection } from 'mongoose';
import { DEFAULT_TRANSACTION_OPTIONS, inTransaction } from './transaction';

/** A session whose withTransaction runs the callback once and records what it was given. */
function fakeClient(opts: { failWith?: Error } = {}) {
  const seen: { options?: TransactionOptions; ended: number } = { ended: 0 };
  const session = {
    async withTransaction<T>(fn: () => Promise<T>, options: TransactionOptions): Promise<T> {
      seen.options = options;
      if (opts.failWith) throw opts.failWith;
      return fn();
    },
    async endSession() {
      seen.ended += 1;
    },
  } as unknown as ClientSession;
  const client = { startSession: () => session } as unknown as MongoClient;
  return { client, session, seen };
}

describe('inTransaction', () => {
  it("runs the work with the session and resolves with the work's result", async () => {
    const { client, session, seen } = fakeClient();
    const result = await inTransaction(client, async (s) => {
      expect(s).toBe(session);
      return 42;
    });
    expect(result).toBe(42);
    expect(seen.options).toEqual(DEFAULT_TRANSACTION_OPTIONS);
    expect(seen.ended).toBe(1);
  });

  it('takes a mongoose connection (its driver client) and custom options', async () => {
    const { client, seen } = fakeClient();
    const connection = { getClient: () => client } as unknown as Connection;
    await inTransaction(connection, async () => undefined, { writeConcern: { w: 1 } });
    expect(seen.options).toEqual({ writeConcern: { w: 1 } });
  });

  it('ends the session when the transaction fails, and rethrows', async () => {
    const { client, seen } = fakeClient({ failWith: new Error('boom') });
    await expect(inTransaction(client, async () => 1)).rejects.toThrow('boom');
    expect(seen.ended).toBe(1);
  });

  it('defaults to snapshot reads and a majority commit on the primary', () => {
    expect(DEFAULT_TRANSACTION_OPTIONS).toEqual({
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
      readPreference: 'primary',
    });
  });
});
