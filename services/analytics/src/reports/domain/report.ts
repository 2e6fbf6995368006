import type { AgeBand, SexCode } from '@sp/contracts';

/**
 * The shapes every report shares: the query it answers, its rows and totals, and the two things
 * the caller's side decides (how practices map to PCNs; whether small numbers are suppressed).
 * Pure types: the HTTP layer serialises a Report to JSON as is, or to CSV with toCsv.
 */

/** The keys a caller may group a report by (the `groupBy` query parameter). */
export const GROUP_BY_KEYS = [
  'practice',
  'pcn',
  'service',
  'organisation',
  'need',
  'ageBand',
  'sex',
  'imdDecile',
  'ethnicCategory',
  'month',
  'week',
] as const;
export type GroupByKey = (typeof GROUP_BY_KEYS)[number];

/**
 * Group columns a report adds by itself (never asked for in `groupBy`):
 * - `section`: unmet-demand rows are either 'refusals' or 'waitlist'; equity rows name their
 *   population dimension ('ageBand', 'sex', 'imdDecile', 'ethnicCategory');
 * - `reason`: the refusal reason code (unmet-demand always splits refusals by reason);
 * - `perspective`: data-quality rows are per referring 'practice' or per receiving 'service'.
 */
export type ReportGroupKey = 'section' | 'perspective' | 'reason' | GroupByKey;

export const REPORT_NAMES = [
  'activity',
  'timeliness',
  'outcomes',
  'equity',
  'unmet-demand',
  'data-quality',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface ReportQuery {
  /** Start of the period, inclusive (UTC instant). */
  from: Date;
  /** End of the period, exclusive (UTC instant). */
  to: Date;
  /** Group keys in the order asked (duplicates removed); empty = totals only. */
  groupBy: GroupByKey[];
  /**
   * When the figures are computed: a response deadline after it is not yet due (timeliness and
   * data quality count only deadlines that have passed or were met). parseReportQuery sets it to
   * `now`; when absent, `to` is used.
   */
  asOf?: Date;
}

/** How the caller's side maps a practice to its PCN; undefined puts the row in group 'unknown'. */
export interface GroupingContext {
  pcnOf(practiceOdsCode: string): string | undefined;
}

/** exact: true for ops (exact figures); everyone else gets small-number suppression. */
export interface DisclosurePolicy {
  exact: boolean;
}

export interface ReportRow {
  /** The row's group: one value per group column ('unknown' when the fact has none). */
  group: Partial<Record<ReportGroupKey, string>>;
  /** Measure name -> value; null = not computable (no denominator) or suppressed. */
  measures: Record<string, number | null>;
  /** Names of the measures nulled by small-number suppression, in measure order. */
  suppressed: string[];
}

export interface Report {
  report: ReportName;
  /** ISO date-times of the period, [from, to). */
  period: { from: string; to: string };
  /** The grouping asked for (after defaults and validation). */
  groupBy: GroupByKey[];
  /** The group columns of `rows`, in order: added columns first, then groupBy (CSV header). */
  groupColumns: ReportGroupKey[];
  /** The measure names of every row, in order (CSV header). */
  measureNames: string[];
  suppression: 'applied' | 'none';
  rows: ReportRow[];
  /** The whole cohort, each fact counted once (group {}). */
  total: ReportRow;
  notes?: string[];
}

/** List sizes of the practices in scope (NHS Digital "patients registered at a GP practice"). */
export interface PracticePopulation {
  total: number;
  byAgeBand: Partial<Record<AgeBand, number>>;
  bySex: Partial<Record<SexCode, number>>;
}
