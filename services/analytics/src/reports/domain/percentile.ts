/**
 * Durations in days and their summaries (moved from the former first-contact feature).
 *
 * Days are fractional (milliseconds / 86,400,000), rounded to 0.01 when shown. An end recorded
 * before its start (clock skew between systems) counts as 0 days, never negative. Percentiles use
 * the nearest-rank method: the p-th percentile of n sorted values is the value at rank
 * ceil(p/100 x n), so it is always one of the observed times (no interpolation); the median is the
 * 50th percentile in that sense (for an even n, the lower of the two middle values).
 */
const DAY_MS = 86_400_000;

export function daysBetween(start: Date, end: Date): number {
  return Math.max(0, (end.getTime() - start.getTime()) / DAY_MS);
}

export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface DurationSummary {
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}

const round2 = (days: number | null) => (days === null ? null : Math.round(days * 100) / 100);

export function summariseDays(days: readonly number[]): DurationSummary {
  const sorted = [...days].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianDays: round2(nearestRankPercentile(sorted, 50)),
    p90Days: round2(nearestRankPercentile(sorted, 90)),
  };
}
