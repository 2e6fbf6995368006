import type { ClientSession, MongoClient } from 'mongodb';
import { DEFAULT_TRANSACTION_OPTIONS } from './transaction';
import { retryOnConflict, runInTransaction } from './retrying-transaction';

/** An error carrying driver error labels, as the driver raises a WriteConflict in a transaction. */
function labelled(label: string): Error {
  return Object.assign(new Error(label), { errorLabels: [label] });
}

/** A session that records starts, commits and aborts; `commitErrors` are thrown by commits in turn. */
function fakeClient(commitErrors: Error[] = []) {
  const seen = { started: 0, committed: 0, aborted: 0, ended: 0, options: [] as unknown[] };
  let inTx = false;
  const session = {
    startTransaction(options: unknown) {
      seen.started += 1;
      seen.options.push(options);
      inTx = true;
    },
    async commitTransaction() {
      const error = commitErrors.shift();
      if (error) throw error;
      seen.committed += 1;
      inTx = false;
    },
    async abortTransaction() {
      seen.aborted += 1;
      inTx = false;
    },
    inTransaction: () => inTx,
    async endSession() {
      seen.ended += 1;
    },
  } as unknown as ClientSession;
  return { client: { startSession: () => session } as unknown as MongoClient, seen };
}

const policy = (maxAttempts: number) => ({
  maxAttempts,
  onConflict: (attempts: number) => new Error(`CONFLICT after ${attempts}`),
});

describe('runInTransaction', () => {
  it('commits once with snapshot reads and majority writes, and ends the session', async () => {
    const { client, seen } = fakeClient();
    await expect(runInTransaction(client, async () => 'done', policy(3))).resolves.toBe('done');
    expect(seen).toMatchObject({ started: 1, committed: 1, aborted: 0, ended: 1 });
    expect(seen.options).toEqual([DEFAULT_TRANSACTION_OPTIONS]);
  });

  it('runs the work again after a transient conflict, then commits', async () => {
    const { client, seen } = fakeClient();
    let calls = 0;
    const result = await runInTransaction(
      client,
      async () => {
        calls += 1;
        if (calls < 3) throw labelled('TransientTransactionError');
        return calls;
      },
      policy(5),
    );
    expect(result).toBe(3);
    expect(seen).toMatchObject({ started: 3, aborted: 2, committed: 1, ended: 1 });
  });

  it("gives up after maxAttempts with the caller's coded error", async () => {
    const { client, seen } = fakeClient();
    await expect(
      runInTransaction(client, async () => Promise.reject(labelled('TransientTransactionError')), policy(2)),
    ).rejects.toThrow('CONFLICT after 2');
    expect(seen).toMatchObject({ started: 2, aborted: 2, committed: 0, ended: 1 });
  });

  it('rethrows any other error at once, after aborting', async () => {
    const { client, seen } = fakeClient();
    await expect(
      runInTransaction(client, async () => Promise.reject(new Error('bad input')), policy(5)),
    ).rejects.toThrow('bad input');
    expect(seen).toMatchObject({ started: 1, aborted: 1, ended: 1 });
  });

  it('treats a duplicate key as a conflict unless told not to', async () => {
    const duplicate = Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    const retried = fakeClient();
    let calls = 0;
    await runInTransaction(
      retried.client,
      async () => {
        calls += 1;
        if (calls === 1) throw duplicate;
      },
      policy(3),
    );
    expect(calls).toBe(2);
    const refused = fakeClient();
    await expect(
      runInTransaction(refused.client, async () => Promise.reject(duplicate), {
        ...policy(3),
        retryDuplicateKey: false,
      }),
    ).rejects.toBe(duplicate);
  });

  it('commits again when the outcome of a commit is unknown', async () => {
    const { client, seen } = fakeClient([labelled('UnknownTransactionCommitResult')]);
    await runInTransaction(client, async () => undefined, policy(3));
    expect(seen).toMatchObject({ started: 1, committed: 1 });
  });
});

describe('retryOnConflict', () => {
  it('retries while the attempt answers undefined, then returns its answer', async () => {
    let calls = 0;
    await expect(retryOnConflict(async () => (++calls < 3 ? undefined : calls), policy(5))).resolves.toBe(3);
  });

  it("throws the caller's coded error after maxAttempts", async () => {
    await expect(retryOnConflict(async () => undefined, policy(2))).rejects.toThrow('CONFLICT after 2');
  });
});
