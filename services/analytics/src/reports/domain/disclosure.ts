import type { DisclosurePolicy, ReportGroupKey, ReportRow } from './report';

/**
 * Small-number suppression (primary only), the convention of NHS statistical publications: a
 * count from 1 to 4 is not shown, and neither is any figure computed from such a count (a rate or
 * share whose numerator or denominator is 1-4, a median or mean over 1-4 values). 0 is shown.
 * Secondary suppression (hiding a further cell so a suppressed one cannot be worked out from a
 * total) is NOT done.
 *
 * Report code builds each measure as a Cell: its exact value and the counts it rests on (its
 * basis); `disclose` turns the cells into a row under the caller's policy.
 */
export interface Cell {
  value: number | null;
  /** The counts this figure is built on (a count's basis is itself). */
  basis: number[];
}

export const isSmall = (n: number): boolean => n >= 1 && n <= 4;

export const count = (n: number): Cell => ({ value: n, basis: [n] });

export const roundTo = (value: number, dp: number): number => {
  const f = 10 ** dp;
  return Math.round(value * f) / f;
};

/** numerator / denominator rounded to `dp` places (3 by default); null when the denominator is 0. */
export const rate = (numerator: number, denominator: number, dp = 3): Cell => ({
  value: denominator === 0 ? null : roundTo(numerator / denominator, dp),
  basis: [numerator, denominator],
});

/** A figure computed over `n` values (median, percentile, mean): suppressed when n is 1-4. */
export const statistic = (value: number | null, n: number): Cell => ({ value, basis: [n] });

/** A figure with no count behind it (published population shares): never suppressed. */
export const plain = (value: number | null): Cell => ({ value, basis: [] });

export function disclose(
  group: Partial<Record<ReportGroupKey, string>>,
  cells: ReadonlyArray<readonly [string, Cell]>,
  policy: DisclosurePolicy,
): ReportRow {
  const measures: Record<string, number | null> = {};
  const suppressed: string[] = [];
  for (const [name, cell] of cells) {
    if (!policy.exact && cell.value !== null && cell.basis.some(isSmall)) {
      measures[name] = null;
      suppressed.push(name);
    } else {
      measures[name] = cell.value;
    }
  }
  return { group, measures, suppressed };
}
