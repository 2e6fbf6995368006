/** What one attempt's answer means for the message and the endpoint. */
export type AttemptVerdict = 'delivered' | 'gone' | 'retry';

/**
 * 2xx: delivered. 410 Gone: the receiver says the endpoint no longer exists, so it is disabled and
 * nothing more is sent. Anything else (other 4xx, 5xx, a redirect, which is never followed, a
 * timeout, a network error: `status` undefined): retried on the schedule.
 */
export function verdictOf(status: number | undefined): AttemptVerdict {
  if (status === undefined) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}

/**
 * An endpoint is disabled once every attempt has failed for longer than the limit: since its
 * first failure after its last success (`failingSince`).
 */
export function shouldDisableForFailures(
  failingSince: Date | undefined,
  now: Date,
  limitMs: number,
): boolean {
  return failingSince !== undefined && now.getTime() - failingSince.getTime() > limitMs;
}

export type DisabledReason = 'gone' | 'failing' | 'disabled-by-organisation';
