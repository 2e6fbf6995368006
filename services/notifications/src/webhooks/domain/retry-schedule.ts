/**
 * The published retry schedule of webhook attempts: the delay before each retry after a failed
 * attempt. An attempt that fails after the last retry leaves the message failed.
 */
export interface RetrySchedule {
  /** Delays in milliseconds, one per retry. */
  readonly delaysMs: readonly number[];
}

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const PUBLISHED_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** '5000, 300000' -> a schedule; throws on anything but non-negative integers. */
export function parseRetrySchedule(text: string): RetrySchedule {
  const delaysMs = text.split(',').map((part) => {
    const trimmed = part.trim();
    if (!/^\d+$/.test(trimmed)) throw new Error(`Invalid retry delay '${part}': expected milliseconds`);
    return Number(trimmed);
  });
  return { delaysMs };
}

/** Attempts of one message: the first one plus one per retry. */
export function totalAttempts(schedule: RetrySchedule): number {
  return schedule.delaysMs.length + 1;
}

/**
 * The delay before the next attempt once `attemptsMade` attempts have failed (1 after the first
 * failure), or undefined when none is left.
 */
export function delayAfter(schedule: RetrySchedule, attemptsMade: number): number | undefined {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) return undefined;
  return schedule.delaysMs[attemptsMade - 1];
}
