import type { Ons4, ReferralFact } from '../../read-models/domain/referral-fact';
import { count, rate, roundTo, statistic, type Cell } from './disclosure';
import { ONS4_ITEMS, bandMove, type BandMove } from './ons4';
import type { DisclosurePolicy, GroupingContext, Report, ReportQuery } from './report';
import { referralCohortReport, type NamedCells } from './report-builder';

/**
 * Outcomes: ONS4 paired change over the completed referrals of the cohort that have both a
 * baseline and a follow-up. Mean change per item is follow-up minus baseline (2 dp; for anxiety a
 * negative change is an improvement); the band shares say what fraction of the pairs moved to a
 * better, the same or a worse ONS threshold band (see ons4.ts).
 */
export function outcomesReport(
  facts: ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
): Report {
  return referralCohortReport('outcomes', facts, q, ctx, policy, outcomeMeasures);
}

interface Pair {
  baseline: Ons4;
  followUp: Ons4;
}

function outcomeMeasures(facts: readonly ReferralFact[]): NamedCells {
  const completed = facts.filter((f) => f.completedAt !== undefined);
  const pairs: Pair[] = [];
  let baselineOnly = 0;
  for (const f of completed) {
    const { baseline, followUp } = f.wellbeing ?? {};
    if (baseline && followUp) pairs.push({ baseline, followUp });
    else if (baseline) baselineOnly += 1;
  }
  const cells: NamedCells = [
    ['completed', count(completed.length)],
    ['pairs', count(pairs.length)],
    ['baselineWithoutFollowUp', count(baselineOnly)],
  ];
  for (const item of ONS4_ITEMS) {
    const change = pairs.reduce((sum, p) => sum + (p.followUp[item] - p.baseline[item]), 0);
    const mean: Cell = statistic(pairs.length === 0 ? null : roundTo(change / pairs.length, 2), pairs.length);
    const moves = pairs.map((p) => bandMove(item, p.baseline, p.followUp));
    const share = (m: BandMove) => rate(moves.filter((x) => x === m).length, pairs.length);
    cells.push(
      [`meanChange:${item}`, mean],
      [`improvedBand:${item}`, share('improved')],
      [`sameBand:${item}`, share('same')],
      [`worsenedBand:${item}`, share('worsened')],
    );
  }
  return cells;
}
