import { inspect } from 'node:util';

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** What we are waiting for, named in the timeout error. */
  description?: string;
}

/**
 * Thrown by a probe to stop waiting at once (e.g. the process under test has exited): any other
 * error is taken as "not yet" and the probe is retried.
 */
export class StopWaiting extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StopWaiting';
  }
}

type Outcome<T> =
  | { kind: 'value'; value: T | undefined | false | null }
  | { kind: 'error'; error: unknown }
  | { kind: 'late' };

/**
 * Bounded polling instead of fixed sleeps: calls `probe` until it returns something other than
 * `undefined`, `null` or `false` (so `findOne` returning null counts as "not yet", while 0 and ''
 * are answers), and returns that. A probe that throws is retried. On timeout, throws an Error naming
 * the description and the last value or error seen. A probe that hangs cannot outlive the timeout.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  opts: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const description = opts.description ?? 'condition';
  const deadline = Date.now() + timeoutMs;
  let last: Outcome<T> | undefined;
  let attempts = 0;

  for (;;) {
    attempts += 1;
    const outcome = await runWithin(probe, deadline - Date.now());
    if (outcome.kind === 'error' && outcome.error instanceof StopWaiting) throw outcome.error;
    if (
      outcome.kind === 'value' &&
      outcome.value !== undefined &&
      outcome.value !== null &&
      outcome.value !== false
    ) {
      return outcome.value;
    }
    if (outcome.kind !== 'late') last = outcome;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(description, timeoutMs, attempts, last);
    await pause(Math.min(intervalMs, remaining));
  }
}

async function runWithin<T>(probe: () => Promise<T> | T, budgetMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'late' }), Math.max(budgetMs, 0));
  });
  const attempt = (async (): Promise<Outcome<T>> => {
    try {
      return { kind: 'value', value: await probe() };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError<T>(
  description: string,
  timeoutMs: number,
  attempts: number,
  last: Outcome<T> | undefined,
): Error {
  const seen =
    last === undefined
      ? 'no probe finished in time'
      : last.kind === 'error'
        ? `last error: ${last.error instanceof Error ? `${last.error.name}: ${last.error.message}` : inspect(last.error)}`
        : `last value: ${inspect(last.kind === 'value' ? last.value : undefined, { depth: 4, breakLength: Infinity })}`;
  const error = new Error(
    `Timed out after ${timeoutMs} ms waiting for ${description} (${attempts} attempts; ${seen})`,
  );
  if (last?.kind === 'error') error.cause = last.error;
  return error;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
