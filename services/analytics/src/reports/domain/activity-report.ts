import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { count, rate } from './disclosure';
import { UNKNOWN } from './grouping';
import type { DisclosurePolicy, GroupingContext, Report, ReportQuery } from './report';
import { referralCohortReport, rejectedByPerson, type NamedCells } from './report-builder';

/**
 * Activity: what happened to the referrals submitted in the period (definitions in
 * docs/analytics/measures.md). Rejections by a person are split by reason code and kept apart from
 * expiries (nobody answered by the deadline); completions are split by outcome code (a referral
 * with several outcome codes counts once under each).
 */
export function activityReport(
  facts: ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
): Report {
  const reasons = codesSeen(facts.filter(rejectedByPerson).map((f) => [f.rejectionReason ?? UNKNOWN]));
  const outcomes = codesSeen(facts.filter((f) => f.completedAt).map((f) => codesOrUnknown(f.outcomeCodes)));
  return referralCohortReport('activity', facts, q, ctx, policy, (group) =>
    activityMeasures(group, reasons, outcomes),
  );
}

const codesOrUnknown = (codes: string[] | undefined) => (codes && codes.length > 0 ? codes : [UNKNOWN]);

function codesSeen(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

function activityMeasures(
  facts: readonly ReferralFact[],
  reasons: readonly string[],
  outcomes: readonly string[],
): NamedCells {
  const n = (pred: (f: ReferralFact) => boolean) => facts.filter(pred).length;
  const rejectedFacts = facts.filter(rejectedByPerson);
  const completedFacts = facts.filter((f) => f.completedAt !== undefined);
  const accepted = n((f) => f.acceptedAt !== undefined);
  const rejected = rejectedFacts.length;
  const expired = n((f) => f.expiredAt !== undefined);
  const completed = completedFacts.length;
  return [
    ['referred', count(facts.length)],
    ['accepted', count(accepted)],
    ['rejected', count(rejected)],
    ...reasons.map(
      (r) =>
        [
          `rejected:${r}`,
          count(rejectedFacts.filter((f) => (f.rejectionReason ?? UNKNOWN) === r).length),
        ] as const,
    ),
    ['expiredNoResponse', count(expired)],
    ['started', count(n((f) => f.startedAt !== undefined))],
    ['completed', count(completed)],
    ...outcomes.map(
      (o) =>
        [
          `completed:${o}`,
          count(completedFacts.filter((f) => codesOrUnknown(f.outcomeCodes).includes(o)).length),
        ] as const,
    ),
    ['cancelled', count(n((f) => f.cancelledAt !== undefined))],
    ['failed', count(n((f) => f.failedAt !== undefined))],
    ['onwardReferrals', count(n((f) => (f.onwardReferralIds?.length ?? 0) > 0))],
    ['acceptanceRate', rate(accepted, accepted + rejected + expired)],
    ['completionRate', rate(completed, accepted)],
  ];
}
