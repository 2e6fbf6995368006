import type { ReferralFact } from '../../read-models/domain/referral-fact';
import type {
  DisclosurePolicy,
  GroupByKey,
  GroupingContext,
  PracticePopulation,
  Report,
  ReportQuery,
} from './report';

/** Equity groups by population codes only; each key is a section (default: all four). */
export const EQUITY_GROUP_BY: readonly GroupByKey[] = ['ageBand', 'sex', 'imdDecile', 'ethnicCategory'];

export function equityReport(
  _facts: ReferralFact[],
  _q: ReportQuery,
  _ctx: GroupingContext,
  _policy: DisclosurePolicy,
  _population: PracticePopulation | null,
): Report {
  throw new Error('not implemented');
}
