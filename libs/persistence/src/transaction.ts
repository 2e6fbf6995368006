// Multi-document transactions with the driver's `withTransaction`: for the writes that must be
// all-or-nothing across documents (a single-document update is atomic on its own and needs none).
//
// `withTransaction` commits, and on a TransientTransactionError (a WriteConflict with another
// writer of the same documents, a primary election) runs the WHOLE callback again in a new
// transaction; on UnknownTransactionCommitResult it retries the commit. It gives up after 120 s.
// So the callback may run more than once: it must act on the database only through `session`, and
// keep every other side effect (kicking a relay, enqueuing a job, answering HTTP) for after this
// resolves. Reads inside see one snapshot; the commit waits for a majority.
import type { ClientSession, MongoClient, TransactionOptions } from 'mongodb';
import type { Connection } from 'mongoose';

/** Snapshot reads, majority commit, on the primary: what a read-decide-write needs on a replica set. */
export const DEFAULT_TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/** What `inTransaction` needs of a client: a mongoose connection or a driver client. */
export type TransactionClient = Pick<Connection, 'getClient'> | Pick<MongoClient, 'startSession'>;

/**
 * Runs `work` in one transaction and resolves with its result once committed. An error thrown by
 * `work` aborts the transaction and is rethrown (nothing of it is kept). See the notes above: `work`
 * may run several times.
 */
export async function inTransaction<T>(
  client: TransactionClient,
  work: (session: ClientSession) => Promise<T>,
  options: TransactionOptions = DEFAULT_TRANSACTION_OPTIONS,
): Promise<T> {
  const driver = 'getClient' in client ? client.getClient() : client;
  const session = driver.startSession();
  try {
    return await session.withTransaction(() => work(session), options);
  } finally {
    await session.endSession();
  }
}
