// Time from a referral's submission to the first time the patient was reached, and its summary
// per group (referring practice, receiving service, receiving organisation). Pure: no framework.
//
// Days are fractional (hours / 24), rounded to 0.01 when shown. A first contact recorded before
// the submission time (clock skew between systems) counts as 0 days, never negative.
// Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value at
// rank ceil(p/100 x n), so it is always one of the observed times (no interpolation); the median
// is the 50th percentile in that sense.

const DAY_MS = 86_400_000;

export function daysToFirstContact(submittedAt: string, firstContactAt: string): number {
  return Math.max(0, (Date.parse(firstContactAt) - Date.parse(submittedAt)) / DAY_MS);
}

export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface TimeToFirstContact {
  /** Referrals whose patient has been reached. */
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}

const round = (days: number | null) => (days === null ? null : Math.round(days * 100) / 100);

export function timeToFirstContact(days: readonly number[]): TimeToFirstContact {
  const sorted = [...days].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianDays: round(nearestRankPercentile(sorted, 50)),
    p90Days: round(nearestRankPercentile(sorted, 90)),
  };
}
