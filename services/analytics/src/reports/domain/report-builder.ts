import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { disclose, type Cell } from './disclosure';
import { groupItems, referralValues, type Group } from './grouping';
import type {
  DisclosurePolicy,
  GroupingContext,
  Report,
  ReportGroupKey,
  ReportName,
  ReportQuery,
} from './report';

/** What every report says about suppression and multi-valued groups. */
export const SUPPRESSION_NOTE =
  'Counts from 1 to 4, and figures built on them, are suppressed (null; * in CSV); primary suppression only.';
export const NEEDS_NOTE =
  'A referral with several needs is counted once in each need row; totals count it once.';

export type NamedCells = Array<readonly [string, Cell]>;

export function assembleReport(args: {
  report: ReportName;
  query: ReportQuery;
  policy: DisclosurePolicy;
  groupColumns: ReportGroupKey[];
  rows: Array<{ group: Group; cells: NamedCells }>;
  total: NamedCells;
  notes?: string[];
}): Report {
  const { query, policy } = args;
  const notes = [...(args.notes ?? [])];
  if (!policy.exact) notes.unshift(SUPPRESSION_NOTE);
  return {
    report: args.report,
    period: { from: query.from.toISOString(), to: query.to.toISOString() },
    groupBy: [...query.groupBy],
    groupColumns: args.groupColumns,
    measureNames: args.total.map(([name]) => name),
    suppression: policy.exact ? 'none' : 'applied',
    rows: args.rows.map((r) => disclose(r.group, r.cells, policy)),
    total: disclose({}, args.total, policy),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * The common shape of a referral-cohort report: rows by the query's groupBy, a total over the
 * whole cohort, the same measures (from `measure`) in each.
 */
export function referralCohortReport(
  report: ReportName,
  facts: readonly ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
  measure: (facts: readonly ReferralFact[]) => NamedCells,
): Report {
  const buckets =
    q.groupBy.length === 0 ? [] : groupItems(facts, q.groupBy, (fact, key) => referralValues(fact, key, ctx));
  return assembleReport({
    report,
    query: q,
    policy,
    groupColumns: [...q.groupBy],
    rows: buckets.map((b) => ({ group: b.group, cells: measure(b.items) })),
    total: measure(facts),
    notes: q.groupBy.includes('need') ? [NEEDS_NOTE] : [],
  });
}

/** Rejected by a person (a rejection that is not the platform's expiry for no response). */
export const rejectedByPerson = (f: ReferralFact): boolean =>
  f.rejectedAt !== undefined && f.expiredAt === undefined;

/** When a person first answered (accepted, or rejected other than by expiry). */
export function firstResponseAt(f: ReferralFact): Date | undefined {
  const times = [f.acceptedAt, rejectedByPerson(f) ? f.rejectedAt : undefined].filter(
    (t): t is Date => t !== undefined,
  );
  return times.length === 0 ? undefined : new Date(Math.min(...times.map((t) => t.getTime())));
}

/**
 * Whether a referral's response deadline counts: it has one, and it was answered or the deadline
 * has passed by `asOf` (a deadline still ahead is neither met nor missed yet).
 */
export function deadlineDue(f: ReferralFact, asOf: Date): boolean {
  if (!f.respondBy) return false;
  return firstResponseAt(f) !== undefined || f.respondBy.getTime() <= asOf.getTime();
}

export function answeredByDeadline(f: ReferralFact): boolean {
  const answered = firstResponseAt(f);
  return !!f.respondBy && answered !== undefined && answered.getTime() <= f.respondBy.getTime();
}

export const asOfOf = (q: ReportQuery): Date => q.asOf ?? q.to;
