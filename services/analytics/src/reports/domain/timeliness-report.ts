import type { ReferralFact } from '../../read-models/domain/referral-fact';
import type { DisclosurePolicy, GroupingContext, Report, ReportQuery } from './report';

export function timelinessReport(
  _facts: ReferralFact[],
  _q: ReportQuery,
  _ctx: GroupingContext,
  _policy: DisclosurePolicy,
): Report {
  throw new Error('not implemented');
}
