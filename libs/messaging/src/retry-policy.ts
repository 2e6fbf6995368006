// The one consumer policy that decides, after a handler failed, whether to try the message again,
// give up on it (dead-letter it so the partition moves on) or hand the whole batch back to kafkajs.
// Pure: no kafkajs, no Nest, no clock; the random source is injectable for tests.
import { isDomainError } from '@sp/errors';

export interface RetryOptions {
  /** Total attempts, the first delivery included. */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, initialBackoffMs: 200, maxBackoffMs: 5_000 };

/** Why a message was dead-lettered; also the `reason` label of `sp_dead_letters_total`. */
export type DeadLetterReason = 'contract-violation' | 'non-retriable' | 'attempts-exhausted';

export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'dead-letter'; reason: DeadLetterReason }
  /**
   * The infrastructure the handler depends on (the database) is unreachable: every message would
   * fail the same way, so dead-lettering would only empty the topic into its DLQ. Instead the
   * batch is handed back to kafkajs unresolved; it retries and redelivers from the last offset.
   */
  | { action: 'redeliver' };

export interface FailureInfo {
  code: string;
  message: string;
  kind: 'contract-violation' | 'non-retriable' | 'retriable' | 'infrastructure';
}

const INFRASTRUCTURE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClosedError',
]);

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** Classifies anything a handler threw (duck-typed: `instanceof` does not cross module copies). */
export function classifyFailure(error: unknown): FailureInfo {
  const message = error instanceof Error ? error.message : (readString(error, 'message') ?? String(error));
  const code = readString(error, 'code');
  const name = readString(error, 'name') ?? '';
  if (code !== undefined && code.startsWith('CONTRACT.')) {
    return { code, message, kind: 'contract-violation' };
  }
  if (isDomainError(error)) {
    return { code: error.code, message, kind: error.retriable ? 'retriable' : 'non-retriable' };
  }
  if (INFRASTRUCTURE_ERROR_NAMES.has(name)) {
    return { code: 'INFRASTRUCTURE.UNAVAILABLE', message, kind: 'infrastructure' };
  }
  // Plain errors (a bug, a timeout, ECONNRESET...) are worth a few retries before dead-lettering.
  return {
    code: name !== '' && name !== 'Error' ? `HANDLER.${name}` : 'HANDLER.FAILED',
    message,
    kind: 'retriable',
  };
}

/**
 * Backoff before attempt `failedAttempt + 1`: exponential from `initialBackoffMs`, capped at
 * `maxBackoffMs`, with "equal jitter" (half fixed, half random) so that consumers failing together
 * do not retry together, yet never retry immediately.
 */
export function backoffDelay(
  failedAttempt: number,
  opts: RetryOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const ceiling = Math.min(opts.maxBackoffMs, opts.initialBackoffMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(Math.min(opts.maxBackoffMs, half + random() * half));
}

/** Decision after attempt number `failedAttempt` (1-based) failed with `failure`. */
export function decideRetry(
  failure: FailureInfo,
  failedAttempt: number,
  opts: RetryOptions = DEFAULT_RETRY,
  random: () => number = Math.random,
): RetryDecision {
  if (failure.kind === 'contract-violation') return { action: 'dead-letter', reason: 'contract-violation' };
  if (failure.kind === 'non-retriable') return { action: 'dead-letter', reason: 'non-retriable' };
  if (failedAttempt >= opts.attempts) {
    return failure.kind === 'infrastructure'
      ? { action: 'redeliver' }
      : { action: 'dead-letter', reason: 'attempts-exhausted' };
  }
  return { action: 'retry', delayMs: backoffDelay(failedAttempt, opts, random) };
}

/** Rejects nonsensical options early (at transport construction), not at the first failure. */
export function validateRetryOptions(opts: RetryOptions): RetryOptions {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1)
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${opts.attempts}`);
  if (!(opts.initialBackoffMs >= 0))
    throw new RangeError(`retry.initialBackoffMs must be >= 0, got ${opts.initialBackoffMs}`);
  if (!(opts.maxBackoffMs >= opts.initialBackoffMs)) {
    throw new RangeError(
      `retry.maxBackoffMs (${opts.maxBackoffMs}) must be >= initialBackoffMs (${opts.initialBackoffMs})`,
    );
  }
  return opts;
}
