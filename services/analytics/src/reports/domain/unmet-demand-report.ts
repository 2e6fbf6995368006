import type { CapacitySample, RefusalFact } from '../../read-models/domain/referral-fact';
import type { DisclosurePolicy, GroupByKey, GroupingContext, Report, ReportQuery } from './report';

/** Refusals may be grouped by every key; waitlist rows use service and month/week only. */
export const UNMET_DEMAND_GROUP_BY: readonly GroupByKey[] = [
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
];

export function unmetDemandReport(
  _refusals: RefusalFact[],
  _samples: CapacitySample[],
  _q: ReportQuery,
  _ctx: GroupingContext,
  _policy: DisclosurePolicy,
): Report {
  throw new Error('not implemented');
}
