import type { Ons4, ReferralFact } from '../../read-models/domain/referral-fact';
import { outcomesReport } from './outcomes-report';
import type { ReportQuery } from './report';

const at = (iso: string) => new Date(iso);
let seq = 0;
const ons = (lifeSatisfaction: number, worthwhile: number, happiness: number, anxiety: number): Ons4 => ({
  lifeSatisfaction,
  worthwhile,
  happiness,
  anxiety,
});
function completed(wellbeing?: ReferralFact['wellbeing'], over: Partial<ReferralFact> = {}): ReferralFact {
  seq += 1;
  return {
    referralId: `r-${seq}`,
    targetServiceId: 'svc-walk',
    submittedAt: at('2026-03-02T09:00:00Z'),
    completedAt: at('2026-04-02T09:00:00Z'),
    ...(wellbeing ? { wellbeing } : {}),
    ...over,
  };
}
const ctx = { pcnOf: () => undefined };
const query: ReportQuery = { from: at('2026-01-01T00:00:00Z'), to: at('2026-07-01T00:00:00Z'), groupBy: [] };

function cohort(): ReferralFact[] {
  return [
    completed({ baseline: ons(4, 4, 4, 7), followUp: ons(7, 5, 4, 1) }),
    completed({ baseline: ons(6, 7, 9, 3), followUp: ons(5, 7, 8, 5) }),
    completed({ baseline: ons(9, 9, 9, 0), followUp: ons(10, 10, 10, 2) }),
    completed({ baseline: ons(2, 2, 2, 6), followUp: ons(5, 5, 5, 4) }),
    completed({ baseline: ons(5, 5, 5, 5), followUp: ons(5, 5, 5, 5) }),
    completed({ baseline: ons(3, 3, 3, 3) }),
    completed({ baseline: ons(8, 8, 8, 8) }),
    completed(),
    // a pair on a referral still in progress: not an outcome yet
    completed({ baseline: ons(0, 0, 0, 10), followUp: ons(10, 10, 10, 0) }, { completedAt: undefined }),
  ];
}

describe('outcomesReport', () => {
  it('pairs completed referrals only: mean change per item and the share moving between ONS bands', () => {
    const { total } = outcomesReport(cohort(), query, ctx, { exact: true });
    expect(total.measures).toEqual({
      completed: 8,
      pairs: 5,
      baselineWithoutFollowUp: 2,
      'meanChange:lifeSatisfaction': 1.2, // (3 - 1 + 1 + 3 + 0) / 5
      'improvedBand:lifeSatisfaction': 0.4,
      'sameBand:lifeSatisfaction': 0.6,
      'worsenedBand:lifeSatisfaction': 0,
      'meanChange:worthwhile': 1, // (1 + 0 + 1 + 3 + 0) / 5
      'improvedBand:worthwhile': 0.4,
      'sameBand:worthwhile': 0.6,
      'worsenedBand:worthwhile': 0,
      'meanChange:happiness': 0.6, // (0 - 1 + 1 + 3 + 0) / 5
      'improvedBand:happiness': 0.2,
      'sameBand:happiness': 0.6,
      'worsenedBand:happiness': 0.2,
      'meanChange:anxiety': -0.8, // (-6 + 2 + 2 - 2 + 0) / 5: anxiety fell on average
      'improvedBand:anxiety': 0.4,
      'sameBand:anxiety': 0.2,
      'worsenedBand:anxiety': 0.4,
    });
  });

  it('suppresses the baseline-only count and every band share resting on 1-4 pairs moving', () => {
    const { total } = outcomesReport(cohort(), query, ctx, { exact: false });
    expect(total.measures['pairs']).toBe(5);
    expect(total.measures['meanChange:anxiety']).toBe(-0.8);
    expect(total.measures['worsenedBand:lifeSatisfaction']).toBe(0);
    expect(total.suppressed).toEqual([
      'baselineWithoutFollowUp',
      'improvedBand:lifeSatisfaction',
      'sameBand:lifeSatisfaction',
      'improvedBand:worthwhile',
      'sameBand:worthwhile',
      'improvedBand:happiness',
      'sameBand:happiness',
      'worsenedBand:happiness',
      'improvedBand:anxiety',
      'sameBand:anxiety',
      'worsenedBand:anxiety',
    ]);
  });

  it('suppresses the mean over 4 pairs, and has nulls (not suppression) with no pairs', () => {
    const four = cohort().slice(0, 4);
    expect(
      outcomesReport(four, query, ctx, { exact: false }).total.measures['meanChange:happiness'],
    ).toBeNull();
    expect(outcomesReport(four, query, ctx, { exact: true }).total.measures['meanChange:happiness']).toBe(
      0.75,
    );
    const none = outcomesReport([], query, ctx, { exact: false }).total;
    expect(none.measures['pairs']).toBe(0);
    expect(none.measures['meanChange:anxiety']).toBeNull();
    expect(none.measures['improvedBand:anxiety']).toBeNull();
    expect(none.suppressed).toEqual([]);
  });
});
