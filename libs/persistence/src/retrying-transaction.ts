// Transactions that re-decide on conflict a bounded number of times, then fail with the caller's
// coded error (a 409 the client may retry), unlike `inTransaction`, which leaves retries to the
// driver's `withTransaction` (up to 120 s). Use this where a caller must be told, quickly and with
// a stable code, that concurrent writers kept winning.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSession } from 'mongodb';
import { isDuplicateKeyError } from './duplicate-key';
import { DEFAULT_TRANSACTION_OPTIONS, type TransactionClient } from './transaction';

/** Attempts of one transaction before the caller's conflict error is thrown. */
export const DEFAULT_TRANSACTION_ATTEMPTS = 10;

/** Attempts of one optimistic (revision-conditional) read-decide-write. */
export const DEFAULT_WRITE_ATTEMPTS = 10;

export interface TransactionPolicy {
  /** Error thrown when every attempt lost to a concurrent writer (give it a stable, retriable code). */
  onConflict: (attempts: number, cause: unknown) => Error;
  maxAttempts?: number;
  /**
   * Whether a duplicate key is a conflict to retry (default) or an error for the caller (which
   * may handle a concurrent creation otherwise).
   */
  retryDuplicateKey?: boolean;
}

/**
 * Runs `work` in one multi-document transaction and commits it. MongoDB gives the transaction a
 * snapshot and makes the first writer of a document win: a transaction writing a document that
 * another writer changed since its snapshot fails with WriteConflict (labelled
 * TransientTransactionError). That, and a duplicate key (another writer created a document the
 * snapshot did not show), means "decide again on fresh data": `work` is run again in a new
 * transaction, after a short random pause, up to `maxAttempts` times; then `onConflict` is thrown.
 * A commit whose outcome is unknown is committed again (commit is idempotent).
 *
 * `work` may therefore run several times: it must act only through `session` and keep anything
 * else (notifications, relay kicks) for after this returns. Any other error aborts and is rethrown.
 */
export async function runInTransaction<T>(
  client: TransactionClient,
  work: (session: ClientSession) => Promise<T>,
  policy: TransactionPolicy,
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? DEFAULT_TRANSACTION_ATTEMPTS;
  const driver = 'getClient' in client ? client.getClient() : client;
  const session = driver.startSession();
  try {
    for (let attempt = 1; ; attempt += 1) {
      session.startTransaction(DEFAULT_TRANSACTION_OPTIONS);
      try {
        const result = await work(session);
        await commit(session);
        return result;
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        if (!isConflict(error, policy.retryDuplicateKey ?? true)) throw error;
        if (attempt >= maxAttempts) throw policy.onConflict(attempt, error);
        await pause(attempt);
      }
    }
  } finally {
    await session.endSession();
  }
}

/**
 * An optimistic read-decide-write of ONE document, without a transaction: `attempt` reads the
 * document, decides, and writes on condition that it is still at the revision read, answering
 * `undefined` when that condition failed (another writer came first). It is run again on fresh
 * data, after a short random pause, up to `maxAttempts` times; then `onConflict` is thrown.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T | undefined>,
  policy: TransactionPolicy,
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? DEFAULT_WRITE_ATTEMPTS;
  for (let n = 1; ; n += 1) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (n >= maxAttempts) throw policy.onConflict(n, undefined);
    await pause(n);
  }
}

async function commit(session: ClientSession): Promise<void> {
  for (let n = 1; ; n += 1) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (n >= 3 || !hasLabel(error, 'UnknownTransactionCommitResult')) throw error;
    }
  }
}

function isConflict(error: unknown, duplicateKey: boolean): boolean {
  return hasLabel(error, 'TransientTransactionError') || (duplicateKey && isDuplicateKeyError(error));
}

function hasLabel(error: unknown, label: string): boolean {
  const check = (error as { hasErrorLabel?: unknown } | null)?.hasErrorLabel;
  if (typeof check === 'function') return (check as (l: string) => boolean).call(error, label) === true;
  const labels = (error as { errorLabels?: unknown } | null)?.errorLabels;
  return Array.isArray(labels) && labels.includes(label);
}

/** Random pause growing with the attempt (20 ms, 40 ms... up to 1 s), so contenders stop colliding. */
function pause(attempt: number): Promise<void> {
  return sleep(Math.random() * Math.min(1_000, 10 * 2 ** attempt));
}
