import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { count, rate, statistic } from './disclosure';
import { daysBetween, summariseDays } from './percentile';
import type { DisclosurePolicy, GroupingContext, Report, ReportQuery } from './report';
import {
  answeredByDeadline,
  asOfOf,
  deadlineDue,
  firstResponseAt,
  referralCohortReport,
  type NamedCells,
} from './report-builder';

/**
 * Timeliness of the referrals submitted in the period: time to first response (accepted or
 * rejected by a person), to first contact with the patient, and to completion, each as count,
 * median and 90th percentile in days (nearest rank), and the share answered by the deadline.
 */
export function timelinessReport(
  facts: ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
): Report {
  const asOf = asOfOf(q);
  return referralCohortReport('timeliness', facts, q, ctx, policy, (group) =>
    timelinessMeasures(group, asOf),
  );
}

function durations(facts: readonly ReferralFact[], end: (f: ReferralFact) => Date | undefined): number[] {
  const days: number[] = [];
  for (const f of facts) {
    const at = end(f);
    if (f.submittedAt && at) days.push(daysBetween(f.submittedAt, at));
  }
  return days;
}

function durationCells(prefix: string, days: number[]): NamedCells {
  const s = summariseDays(days);
  return [
    [`${prefix}Count`, count(s.count)],
    [`${prefix}MedianDays`, statistic(s.medianDays, s.count)],
    [`${prefix}P90Days`, statistic(s.p90Days, s.count)],
  ];
}

function timelinessMeasures(facts: readonly ReferralFact[], asOf: Date): NamedCells {
  const due = facts.filter((f) => deadlineDue(f, asOf));
  const onTime = due.filter(answeredByDeadline).length;
  return [
    ['referred', count(facts.length)],
    ...durationCells('firstResponse', durations(facts, firstResponseAt)),
    ...durationCells(
      'firstContact',
      durations(facts, (f) => f.firstContactAt),
    ),
    ...durationCells(
      'completion',
      durations(facts, (f) => f.completedAt),
    ),
    ['withDeadline', count(due.length)],
    ['answeredByDeadline', count(onTime)],
    ['respondedWithinDeadline', rate(onTime, due.length)],
  ];
}
