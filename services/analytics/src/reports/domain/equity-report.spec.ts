import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { equityReport } from './equity-report';
import type { GroupByKey, PracticePopulation, ReportQuery } from './report';

const at = (iso: string) => new Date(iso);
let seq = 0;
function referral(overrides: Partial<ReferralFact> = {}): ReferralFact {
  seq += 1;
  return { referralId: `r-${seq}`, submittedAt: at('2026-03-02T09:00:00Z'), ...overrides };
}
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const ctx = { pcnOf: () => undefined };
const query = (groupBy: GroupByKey[] = []): ReportQuery => ({
  from: at('2026-01-01T00:00:00Z'),
  to: at('2026-07-01T00:00:00Z'),
  groupBy,
});
const population: PracticePopulation = {
  total: 1000,
  byAgeBand: { '18-24': 250, '25-34': 500, '65-74': 250 },
  bySex: { female: 520, male: 480 },
};

function cohort(): ReferralFact[] {
  const young = { ageBand: '25-34', sex: 'female', imdDecile: 1, ethnicCategory: 'A' } as const;
  const old = { ageBand: '65-74', sex: 'male', imdDecile: 10, ethnicCategory: 'H' } as const;
  const done = {
    acceptedAt: at('2026-03-03T00:00:00Z'),
    startedAt: at('2026-03-04T00:00:00Z'),
    completedAt: at('2026-04-01T00:00:00Z'),
  };
  return [
    ...times(5, () => referral({ population: young, ...done })),
    referral({ population: young, acceptedAt: at('2026-03-03T00:00:00Z') }),
    referral({ population: old, acceptedAt: at('2026-03-03T00:00:00Z') }),
    referral({ population: old }),
    ...times(2, () => referral()), // submitted v1: no population codes
  ];
}

const table = (report: ReturnType<typeof equityReport>) =>
  report.rows.map((r) => {
    const section = r.group.section as GroupByKey;
    return [section, r.group[section], ...Object.values(r.measures)];
  });

describe('equityReport', () => {
  it('gives the funnel per population group in four sections, with shares against the practice population', () => {
    const report = equityReport(cohort(), query(), ctx, { exact: true }, population);
    expect(report.groupColumns).toEqual(['section', 'ageBand', 'sex', 'imdDecile', 'ethnicCategory']);
    expect(report.measureNames).toEqual([
      'referred',
      'accepted',
      'started',
      'completedPositive',
      'shareOfReferrals',
      'shareOfPopulation',
      'ratio',
    ]);
    // shares of the 8 referrals with known codes; ratio = share of referrals / share of population
    expect(table(report)).toEqual([
      ['ageBand', '18-24', 0, 0, 0, 0, 0, 0.25, 0], // registered, never referred
      ['ageBand', '25-34', 6, 6, 5, 5, 0.75, 0.5, 1.5],
      ['ageBand', '65-74', 2, 1, 0, 0, 0.25, 0.25, 1],
      ['ageBand', 'unknown', 2, 0, 0, 0, null, null, null],
      ['sex', 'female', 6, 6, 5, 5, 0.75, 0.52, 1.44],
      ['sex', 'male', 2, 1, 0, 0, 0.25, 0.48, 0.52],
      ['sex', 'unknown', 2, 0, 0, 0, null, null, null],
      ['imdDecile', '1', 6, 6, 5, 5, 0.75, null, null],
      ['imdDecile', '10', 2, 1, 0, 0, 0.25, null, null],
      ['imdDecile', 'unknown', 2, 0, 0, 0, null, null, null],
      ['ethnicCategory', 'A', 6, 6, 5, 5, 0.75, null, null],
      ['ethnicCategory', 'H', 2, 1, 0, 0, 0.25, null, null],
      ['ethnicCategory', 'unknown', 2, 0, 0, 0, null, null, null],
    ]);
    expect(report.rows[1]!.group).toEqual({ section: 'ageBand', ageBand: '25-34' });
    expect(report.total.measures).toEqual({
      referred: 10,
      accepted: 7,
      started: 5,
      completedPositive: 5,
      shareOfReferrals: null,
      shareOfPopulation: null,
      ratio: null,
    });
  });

  it('suppresses small groups and their share and ratio, never the published population share', () => {
    const report = equityReport(cohort(), query(['ageBand']), ctx, { exact: false }, population);
    expect(table(report)).toEqual([
      ['ageBand', '18-24', 0, 0, 0, 0, 0, 0.25, 0],
      ['ageBand', '25-34', 6, 6, 5, 5, 0.75, 0.5, 1.5],
      ['ageBand', '65-74', null, null, 0, 0, null, 0.25, null],
      ['ageBand', 'unknown', null, 0, 0, 0, null, null, null],
    ]);
    expect(report.rows[2]!.suppressed).toEqual(['referred', 'accepted', 'shareOfReferrals', 'ratio']);
  });

  it('has no population shares without list sizes, and only the sections asked for', () => {
    const report = equityReport(cohort(), query(['sex']), ctx, { exact: true }, null);
    expect(report.groupColumns).toEqual(['section', 'sex']);
    expect(table(report)).toEqual([
      ['sex', 'female', 6, 6, 5, 5, 0.75, null, null],
      ['sex', 'male', 2, 1, 0, 0, 0.25, null, null],
      ['sex', 'unknown', 2, 0, 0, 0, null, null, null],
    ]);
  });

  it('never throws on no facts', () => {
    const report = equityReport([], query(['imdDecile']), ctx, { exact: false }, null);
    expect(report.rows).toEqual([]);
    expect(report.total.measures['referred']).toBe(0);
  });
});
