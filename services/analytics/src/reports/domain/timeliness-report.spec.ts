import type { ReferralFact } from '../../read-models/domain/referral-fact';
import type { ReportQuery } from './report';
import { timelinessReport } from './timeliness-report';

const at = (iso: string) => new Date(iso);
let seq = 0;
function referral(overrides: Partial<ReferralFact> = {}): ReferralFact {
  seq += 1;
  return {
    referralId: `r-${seq}`,
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-walk',
    submittedAt: at('2026-03-02T09:00:00Z'),
    respondBy: at('2026-03-09T09:00:00Z'),
    ...overrides,
  };
}
const ctx = { pcnOf: () => undefined };
const query = (over: Partial<ReportQuery> = {}): ReportQuery => ({
  from: at('2026-01-01T00:00:00Z'),
  to: at('2026-07-01T00:00:00Z'),
  groupBy: [],
  asOf: at('2026-07-01T00:00:00Z'),
  ...over,
});

/** Submitted 2 March 09:00, deadline 9 March 09:00 unless said otherwise. */
function seven(): ReferralFact[] {
  return [
    // answered after 1 day, reached after 2, completed after 10
    referral({
      acceptedAt: at('2026-03-03T09:00:00Z'),
      firstContactAt: at('2026-03-04T09:00:00Z'),
      completedAt: at('2026-03-12T09:00:00Z'),
    }),
    // rejected by a person after half a day
    referral({ rejectedAt: at('2026-03-02T21:00:00Z'), rejectionReason: 'out-of-area' }),
    // accepted after 8 days: a day late; reached after 9
    referral({ acceptedAt: at('2026-03-10T09:00:00Z'), firstContactAt: at('2026-03-11T09:00:00Z') }),
    // expired: nobody answered (not a response)
    referral({ rejectedAt: at('2026-03-09T09:00:00Z'), expiredAt: at('2026-03-09T09:00:00Z') }),
    // no deadline; accepted after 3 days
    referral({ respondBy: undefined, acceptedAt: at('2026-03-05T09:00:00Z') }),
    // deadline still ahead on the day of the report, not answered yet: neither met nor missed
    referral({ submittedAt: at('2026-06-29T09:00:00Z'), respondBy: at('2026-07-06T09:00:00Z') }),
    // accepted an hour "before" submission (clock skew): 0 days
    referral({ acceptedAt: at('2026-03-02T08:00:00Z') }),
  ];
}

describe('timelinessReport', () => {
  it('gives count, nearest-rank median and p90 in days, and the share answered by the deadline', () => {
    const { total, rows } = timelinessReport(seven(), query(), ctx, { exact: true });
    expect(rows).toEqual([]);
    expect(total.measures).toEqual({
      referred: 7,
      // [0, 0.5, 1, 3, 8]: median rank 3, p90 rank 5
      firstResponseCount: 5,
      firstResponseMedianDays: 1,
      firstResponseP90Days: 8,
      // [2, 9]: median rank 1, p90 rank 2
      firstContactCount: 2,
      firstContactMedianDays: 2,
      firstContactP90Days: 9,
      completionCount: 1,
      completionMedianDays: 10,
      completionP90Days: 10,
      // due: the 1-day, half-day, late, expired and skewed ones; on time: 1-day, half-day, skewed
      withDeadline: 5,
      answeredByDeadline: 3,
      respondedWithinDeadline: 0.6,
    });
  });

  it('suppresses statistics over 1-4 values and shares built on counts 1-4', () => {
    const { total } = timelinessReport(seven(), query(), ctx, { exact: false });
    expect(total.measures).toEqual({
      referred: 7,
      firstResponseCount: 5,
      firstResponseMedianDays: 1,
      firstResponseP90Days: 8,
      firstContactCount: null,
      firstContactMedianDays: null,
      firstContactP90Days: null,
      completionCount: null,
      completionMedianDays: null,
      completionP90Days: null,
      withDeadline: 5,
      answeredByDeadline: null,
      respondedWithinDeadline: null,
    });
    expect(total.suppressed).toEqual([
      'firstContactCount',
      'firstContactMedianDays',
      'firstContactP90Days',
      'completionCount',
      'completionMedianDays',
      'completionP90Days',
      'answeredByDeadline',
      'respondedWithinDeadline',
    ]);
  });

  it('counts a deadline only once it has passed (as of the report, or the period end without asOf)', () => {
    const open = [referral({ respondBy: at('2026-03-09T09:00:00Z') })];
    const early = timelinessReport(open, query({ asOf: at('2026-03-05T00:00:00Z') }), ctx, { exact: true });
    expect(early.total.measures['withDeadline']).toBe(0);
    expect(early.total.measures['respondedWithinDeadline']).toBeNull();
    const late = timelinessReport(open, query({ asOf: undefined }), ctx, { exact: true });
    expect(late.total.measures['withDeadline']).toBe(1);
    expect(late.total.measures['respondedWithinDeadline']).toBe(0);
  });

  it('groups like the other referral reports (here by service)', () => {
    const facts = [
      ...seven(),
      referral({ targetServiceId: 'svc-debt', acceptedAt: at('2026-03-04T09:00:00Z') }),
    ];
    const report = timelinessReport(facts, query({ groupBy: ['service'] }), ctx, { exact: true });
    expect(
      report.rows.map((r) => [
        r.group.service,
        r.measures['firstResponseCount'],
        r.measures['firstResponseMedianDays'],
      ]),
    ).toEqual([
      ['svc-debt', 1, 2],
      ['svc-walk', 5, 1],
    ]);
  });

  it('never throws on no facts', () => {
    const { total } = timelinessReport([], query(), ctx, { exact: false });
    expect(total.measures['firstResponseMedianDays']).toBeNull();
    expect(total.measures['respondedWithinDeadline']).toBeNull();
    expect(total.suppressed).toEqual([]);
  });
});
