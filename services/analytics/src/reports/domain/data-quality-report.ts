import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { count, rate } from './disclosure';
import { groupItems, referralValues, type Group } from './grouping';
import type {
  DisclosurePolicy,
  GroupByKey,
  GroupingContext,
  Report,
  ReportGroupKey,
  ReportQuery,
} from './report';
import { answeredByDeadline, asOfOf, assembleReport, deadlineDue, type NamedCells } from './report-builder';

/** Data quality rows are per practice and per service (perspective); only a time split may be added. */
export const DATA_QUALITY_GROUP_BY: readonly GroupByKey[] = ['month', 'week'];

/**
 * Data quality of the cohort, in two perspectives: rows {perspective: 'practice', practice} per
 * referring practice (ODS code) and {perspective: 'service', service} per receiving service, each
 * optionally split by month or week. Each share is of its own denominator:
 * - missingEthnicCategory: referrals with no ethnic category recorded / referrals ('Z' not stated
 *   and '99' not known are recorded answers, not missing);
 * - missingBaseline: started or completed referrals with no ONS4 baseline / startedOrCompleted;
 * - missingOutcomeCodes: completed referrals with no outcome code / completed;
 * - noResponseByDeadline: referrals not answered by their respondBy / withDeadline (those with a
 *   respondBy that has passed by the time of the report, or that were answered).
 */
export function dataQualityReport(
  facts: ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
): Report {
  const asOf = asOfOf(q);
  const time = q.groupBy.filter((k) => k === 'month' || k === 'week');
  const perspective = (key: 'practice' | 'service') =>
    groupItems(facts, [key, ...time], (f, k) => referralValues(f, k, ctx)).map((b) => ({
      group: { perspective: key, ...b.group } as Group,
      cells: qualityMeasures(b.items, asOf),
    }));
  const groupColumns: ReportGroupKey[] = ['perspective', 'practice', 'service', ...time];
  return assembleReport({
    report: 'data-quality',
    query: q,
    policy,
    groupColumns,
    rows: [...perspective('practice'), ...perspective('service')],
    total: qualityMeasures(facts, asOf),
  });
}

function qualityMeasures(facts: readonly ReferralFact[], asOf: Date): NamedCells {
  const engaged = facts.filter((f) => f.startedAt !== undefined || f.completedAt !== undefined);
  const completed = facts.filter((f) => f.completedAt !== undefined);
  const due = facts.filter((f) => deadlineDue(f, asOf));
  const missing = <T>(list: readonly T[], pred: (x: T) => boolean) => list.filter(pred).length;
  return [
    ['referrals', count(facts.length)],
    [
      'missingEthnicCategory',
      rate(
        missing(facts, (f) => !f.population?.ethnicCategory),
        facts.length,
      ),
    ],
    ['startedOrCompleted', count(engaged.length)],
    [
      'missingBaseline',
      rate(
        missing(engaged, (f) => !f.wellbeing?.baseline),
        engaged.length,
      ),
    ],
    ['completed', count(completed.length)],
    [
      'missingOutcomeCodes',
      rate(
        missing(completed, (f) => (f.outcomeCodes?.length ?? 0) === 0),
        completed.length,
      ),
    ],
    ['withDeadline', count(due.length)],
    [
      'noResponseByDeadline',
      rate(
        missing(due, (f) => !answeredByDeadline(f)),
        due.length,
      ),
    ],
  ];
}
