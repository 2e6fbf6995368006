import type { ReferralFact } from '../../read-models/domain/referral-fact';
import type { DisclosurePolicy, GroupByKey, GroupingContext, Report, ReportQuery } from './report';

/** Data quality rows are per practice and per service (perspective); only a time split may be added. */
export const DATA_QUALITY_GROUP_BY: readonly GroupByKey[] = ['month', 'week'];

export function dataQualityReport(
  _facts: ReferralFact[],
  _q: ReportQuery,
  _ctx: GroupingContext,
  _policy: DisclosurePolicy,
): Report {
  throw new Error('not implemented');
}
