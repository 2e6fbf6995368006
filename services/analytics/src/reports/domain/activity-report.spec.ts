import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { activityReport } from './activity-report';
import type { GroupByKey, ReportQuery } from './report';

const at = (iso: string) => new Date(iso);
let seq = 0;
function referral(overrides: Partial<ReferralFact> = {}): ReferralFact {
  seq += 1;
  return {
    referralId: `r-${seq}`,
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-walk',
    ownerOrganisationId: 'org-vcs',
    needs: ['isolation'],
    population: { ageBand: '25-34', sex: 'female', imdDecile: 2, ethnicCategory: 'A' },
    submittedAt: at('2026-03-02T09:00:00Z'),
    respondBy: at('2026-03-09T09:00:00Z'),
    ...overrides,
  };
}
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

const ctx = { pcnOf: (ods: string) => (ods === 'A81001' ? 'PCN-North' : undefined) };
const exact = { exact: true };
const suppressed = { exact: false };
const query = (groupBy: GroupByKey[] = []): ReportQuery => ({
  from: at('2026-01-01T00:00:00Z'),
  to: at('2026-07-01T00:00:00Z'),
  groupBy,
});

const accepted = { acceptedAt: at('2026-03-03T09:00:00Z') };
const started = { ...accepted, startedAt: at('2026-03-04T09:00:00Z') };

/** Eight referrals with every fate (hand-counted below). */
function eight(): ReferralFact[] {
  return [
    referral({
      ...started,
      completedAt: at('2026-04-01T00:00:00Z'),
      outcomeCodes: ['attended'],
      onwardReferralIds: ['r-x'],
    }),
    referral({ ...started, completedAt: at('2026-04-02T00:00:00Z'), outcomeCodes: ['attended', 'improved'] }),
    referral({ rejectedAt: at('2026-03-03T00:00:00Z'), rejectionReason: 'out-of-area' }),
    referral({ rejectedAt: at('2026-03-09T09:00:00Z'), expiredAt: at('2026-03-09T09:00:00Z') }),
    referral({ ...accepted, cancelledAt: at('2026-03-05T00:00:00Z') }),
    referral({ ...started, failedAt: at('2026-03-20T00:00:00Z') }),
    referral(),
    referral({
      rejectedAt: at('2026-03-04T00:00:00Z'),
      rejectionReason: 'capacity',
      needs: ['isolation', 'debt'],
      requesterOdsCode: 'B82002',
      targetServiceId: 'svc-debt',
    }),
  ];
}

describe('activityReport', () => {
  it('counts every fate of the cohort, rejections by reason apart from expiries, completions by outcome', () => {
    const report = activityReport(eight(), query(), ctx, exact);
    expect(report.measureNames).toEqual([
      'referred',
      'accepted',
      'rejected',
      'rejected:capacity',
      'rejected:out-of-area',
      'expiredNoResponse',
      'started',
      'completed',
      'completed:attended',
      'completed:improved',
      'cancelled',
      'failed',
      'onwardReferrals',
      'acceptanceRate',
      'completionRate',
    ]);
    expect(report.total).toEqual({
      group: {},
      measures: {
        referred: 8,
        accepted: 4,
        rejected: 2,
        'rejected:capacity': 1,
        'rejected:out-of-area': 1,
        expiredNoResponse: 1,
        started: 3,
        completed: 2,
        'completed:attended': 2,
        'completed:improved': 1,
        cancelled: 1,
        failed: 1,
        onwardReferrals: 1,
        acceptanceRate: 0.571, // 4 / (4 + 2 + 1)
        completionRate: 0.5, // 2 / 4
      },
      suppressed: [],
    });
    expect(report).toMatchObject({
      report: 'activity',
      period: { from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      groupBy: [],
      groupColumns: [],
      suppression: 'none',
      rows: [],
    });
  });

  it('counts a referral with two needs in each need row and once in the total', () => {
    const report = activityReport(eight(), query(['need']), ctx, exact);
    expect(
      report.rows.map((r) => [r.group, r.measures['referred'], r.measures['rejected:capacity']]),
    ).toEqual([
      [{ need: 'debt' }, 1, 1],
      [{ need: 'isolation' }, 8, 1],
    ]);
    expect(report.rows[0]!.measures['acceptanceRate']).toBe(0); // 0 / (0 + 1 + 0)
    expect(report.rows[0]!.measures['completionRate']).toBeNull(); // nothing accepted
    expect(report.total.measures['referred']).toBe(8);
    expect(report.notes).toContain(
      'A referral with several needs is counted once in each need row; totals count it once.',
    );
  });

  it('suppresses counts 1-4 and the rates built on them, shows 0 and 5+', () => {
    const facts = [
      ...times(5, () =>
        referral({ ...started, completedAt: at('2026-04-01T00:00:00Z'), outcomeCodes: ['attended'] }),
      ),
      ...times(4, () => referral({ rejectedAt: at('2026-03-03T00:00:00Z'), rejectionReason: 'capacity' })),
    ];
    const { total } = activityReport(facts, query(), ctx, suppressed);
    expect(total.measures).toEqual({
      referred: 9,
      accepted: 5,
      rejected: null,
      'rejected:capacity': null,
      expiredNoResponse: 0,
      started: 5,
      completed: 5,
      'completed:attended': 5,
      cancelled: 0,
      failed: 0,
      onwardReferrals: 0,
      acceptanceRate: 0.556, // 5 / 9: both 5 or more
      completionRate: 1,
    });
    expect(total.suppressed).toEqual(['rejected', 'rejected:capacity']);

    const fewer = activityReport(facts.slice(1), query(), ctx, suppressed).total; // 4 accepted, 4 rejected
    expect(fewer.measures['referred']).toBe(8);
    expect(fewer.measures['accepted']).toBeNull();
    expect(fewer.measures['acceptanceRate']).toBeNull(); // numerator 4
    expect(fewer.measures['completionRate']).toBeNull(); // 4 / 4
    expect(fewer.suppressed).toContain('acceptanceRate');
  });

  it('never throws on no facts: no rows, zero counts, null rates', () => {
    const report = activityReport([], query(['practice']), ctx, suppressed);
    expect(report.rows).toEqual([]);
    expect(report.total.measures).toEqual({
      referred: 0,
      accepted: 0,
      rejected: 0,
      expiredNoResponse: 0,
      started: 0,
      completed: 0,
      cancelled: 0,
      failed: 0,
      onwardReferrals: 0,
      acceptanceRate: null,
      completionRate: null,
    });
    expect(report.total.suppressed).toEqual([]);
    expect(report.suppression).toBe('applied');
  });

  describe('grouping by each key', () => {
    const two = () => [
      referral(),
      referral({
        requesterOdsCode: 'B82002',
        targetServiceId: 'svc-debt',
        ownerOrganisationId: 'org-cab',
        needs: ['debt', 'isolation'],
        population: undefined,
        submittedAt: at('2026-04-05T23:30:00Z'), // a Sunday; 00:30 on Monday in London
      }),
    ];
    it.each<[GroupByKey, Array<[string, number]>]>([
      [
        'practice',
        [
          ['A81001', 1],
          ['B82002', 1],
        ],
      ],
      [
        'pcn',
        [
          ['PCN-North', 1],
          ['unknown', 1],
        ],
      ],
      [
        'service',
        [
          ['svc-debt', 1],
          ['svc-walk', 1],
        ],
      ],
      [
        'organisation',
        [
          ['org-cab', 1],
          ['org-vcs', 1],
        ],
      ],
      [
        'need',
        [
          ['debt', 1],
          ['isolation', 2],
        ],
      ],
      [
        'ageBand',
        [
          ['25-34', 1],
          ['unknown', 1],
        ],
      ],
      [
        'sex',
        [
          ['female', 1],
          ['unknown', 1],
        ],
      ],
      [
        'imdDecile',
        [
          ['2', 1],
          ['unknown', 1],
        ],
      ],
      [
        'ethnicCategory',
        [
          ['A', 1],
          ['unknown', 1],
        ],
      ],
      [
        'month',
        [
          ['2026-03', 1],
          ['2026-04', 1],
        ],
      ],
      [
        'week',
        [
          ['2026-W10', 1],
          ['2026-W14', 1],
        ],
      ],
    ])('by %s', (key, expected) => {
      const report = activityReport(two(), query([key]), ctx, exact);
      expect(report.groupColumns).toEqual([key]);
      expect(report.rows.map((r) => [r.group[key], r.measures['referred']])).toEqual(expected);
    });

    it('by several keys at once (cross product, vocabulary and numeric order, unknown last)', () => {
      const facts = [
        referral({ population: { ageBand: '65-74', sex: 'male', imdDecile: 10 } }),
        referral({ population: { ageBand: '18-24', sex: 'male', imdDecile: 2 } }),
        referral({ population: undefined }),
        referral({ population: { ageBand: '18-24', sex: 'female', imdDecile: 2 } }),
      ];
      const report = activityReport(facts, query(['imdDecile', 'ageBand']), ctx, exact);
      expect(report.rows.map((r) => [r.group.imdDecile, r.group.ageBand, r.measures['referred']])).toEqual([
        ['2', '18-24', 2],
        ['10', '65-74', 1],
        ['unknown', 'unknown', 1],
      ]);
    });
  });
});
