import type { Report, ReportRow } from '../../reports/domain';
import { figure, NOT_AVAILABLE, SUPPRESSED } from './chart';
import { dashboardSections } from './dashboard-sections';
import { imdFunnelChart, shareChart, sortGroups } from './equity-charts';
import { funnelChart } from './funnel-chart';
import { timelinessChart } from './timeliness-chart';
import { refusalsChart, waitlistChart } from './unmet-demand-charts';

const row = (
  group: Record<string, string>,
  measures: Record<string, number | null>,
  suppressed: string[] = [],
): ReportRow => ({ group, measures, suppressed });

const report = (over: Partial<Report> & Pick<Report, 'report'>): Report => ({
  period: { from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
  groupBy: [],
  groupColumns: [],
  measureNames: [],
  suppression: 'applied',
  rows: [],
  total: row({}, {}),
  ...over,
});

type Layer = { mark: { type: string }; encoding: Record<string, unknown> };
const values = (spec: Record<string, unknown>) =>
  (spec['data'] as { values: Array<Record<string, unknown>> }).values;

describe('figures', () => {
  it('shows a suppressed count as "suppressed" with no value, never 0', () => {
    const r = row({}, { referred: null, accepted: 0, rate: null }, ['referred']);
    expect(figure(r, 'referred', 'count')).toEqual({ value: null, label: SUPPRESSED, suppressed: true });
    expect(figure(r, 'accepted', 'count')).toEqual({ value: 0, label: '0', suppressed: false });
    expect(figure(r, 'rate', 'share')).toEqual({ value: null, label: NOT_AVAILABLE, suppressed: false });
    expect(figure(row({}, { s: 0.4567 }), 's', 'share').label).toBe('45.7%');
    expect(figure(row({}, { d: 3 }), 'd', 'days').label).toBe('3 d');
    expect(figure(row({}, { d: 2.25 }), 'd', 'days').label).toBe('2.3 d');
  });
});

describe('funnel chart', () => {
  const activity = report({
    report: 'activity',
    measureNames: ['referred', 'accepted', 'started', 'completed'],
    total: row({}, { referred: 12, accepted: 7, started: null, completed: 0 }, ['started']),
  });

  it('draws one bar per stage in order; a suppressed stage has no bar and the label "suppressed"', () => {
    const chart = funnelChart(activity);
    expect(values(chart.spec)).toEqual([
      { category: 'Referred', value: 12, position: 12, label: '12' },
      { category: 'Accepted', value: 7, position: 7, label: '7' },
      { category: 'Started', value: null, position: 0, label: 'suppressed' },
      { category: 'Completed', value: 0, position: 0, label: '0' },
    ]);
    // The stage without a bar keeps its place (an explicit domain, not the bars' own).
    const y = (chart.spec['encoding'] as { y: { scale: { domain: string[] } } }).y;
    expect(y.scale.domain).toEqual(['Referred', 'Accepted', 'Started', 'Completed']);
    const layers = chart.spec['layer'] as Layer[];
    expect(layers.map((l) => l.mark.type)).toEqual(['bar', 'text']);
    expect(chart.table).toEqual({
      columns: ['Stage', 'Referrals'],
      rows: [
        ['Referred', '12'],
        ['Accepted', '7'],
        ['Started', 'suppressed'],
        ['Completed', '0'],
      ],
    });
    expect(chart.summary).toBe('Referral funnel: Referred 12, Accepted 7, Started suppressed, Completed 0.');
    expect(chart.spec['description']).toBe(chart.summary);
  });
});

describe('timeliness chart', () => {
  it('finds each statistic by its measure name and shows median and 90th percentile days', () => {
    const timeliness = report({
      report: 'timeliness',
      measureNames: [
        'firstResponseCount',
        'firstResponseMedianDays',
        'firstResponseP90Days',
        'firstContactMedianDays',
        'firstContactP90Days',
        'completionMedianDays',
        'completionP90Days',
      ],
      total: row(
        {},
        {
          firstResponseMedianDays: 1,
          firstResponseP90Days: 2.5,
          firstContactMedianDays: 3,
          firstContactP90Days: 6,
          completionMedianDays: null,
          completionP90Days: null,
        },
        ['completionMedianDays', 'completionP90Days'],
      ),
    });
    const chart = timelinessChart(timeliness);
    expect(chart.table.rows).toEqual([
      ['First response', '1 d', '2.5 d'],
      ['First contact', '3 d', '6 d'],
      ['Completion', 'suppressed', 'suppressed'],
    ]);
    expect(values(chart.spec)).toHaveLength(6);
    expect(values(chart.spec)[1]).toEqual({
      category: 'First response',
      statistic: '90th percentile',
      value: 2.5,
      position: 2.5,
      label: '2.5 d',
    });
  });
});

describe('equity charts', () => {
  const equity = report({
    report: 'equity',
    groupBy: ['ageBand', 'sex', 'imdDecile', 'ethnicCategory'],
    measureNames: [
      'referred',
      'accepted',
      'started',
      'completedPositive',
      'shareOfReferrals',
      'shareOfPopulation',
    ],
    rows: [
      row({ section: 'ageBand', ageBand: 'unknown' }, { shareOfReferrals: 0.1, shareOfPopulation: null }),
      row({ section: 'ageBand', ageBand: '85+' }, { shareOfReferrals: null, shareOfPopulation: 0.02 }, [
        'shareOfReferrals',
      ]),
      row({ section: 'ageBand', ageBand: '18-24' }, { shareOfReferrals: 0.5, shareOfPopulation: 0.1 }),
      row({ section: 'sex', sex: 'female' }, { shareOfReferrals: 0.6, shareOfPopulation: 0.51 }),
      row(
        { section: 'imdDecile', imdDecile: '10' },
        { referred: 5, accepted: 5, started: 5, completedPositive: 0 },
      ),
      row(
        { section: 'imdDecile', imdDecile: '2' },
        { referred: 6, accepted: null, started: null, completedPositive: null },
        ['accepted', 'started', 'completedPositive'],
      ),
    ],
  });

  it('sorts groups naturally, unknown last', () => {
    const sorted = sortGroups(
      equity.rows.filter((r) => r.group['section'] === 'ageBand'),
      'ageBand',
    );
    expect(sorted.map((r) => r.group['ageBand'])).toEqual(['18-24', '85+', 'unknown']);
  });

  it('compares share of referrals with share of population per age band', () => {
    const chart = shareChart(equity, { section: 'ageBand', label: 'age band' });
    expect(chart.id).toBe('equity-share-ageBand');
    expect(chart.table).toEqual({
      columns: ['Age band', 'Share of referrals', 'Share of practice population'],
      rows: [
        ['18-24', '50.0%', '10.0%'],
        ['85+', 'suppressed', '2.0%'],
        ['unknown', '10.0%', 'n/a'],
      ],
    });
    expect(values(chart.spec)[2]).toEqual({
      category: '85+',
      series: 'Share of referrals',
      value: null,
      position: 0,
      label: 'suppressed',
    });
  });

  it('shows the funnel per IMD decile, deciles in numeric order', () => {
    const chart = imdFunnelChart(equity);
    expect(chart.table.rows).toEqual([
      ['2', '6', 'suppressed', 'suppressed', 'suppressed'],
      ['10', '5', '5', '5', '0'],
    ]);
    expect(values(chart.spec)).toHaveLength(8);
  });

  it('says so when there is nothing to compare', () => {
    const empty = shareChart(report({ report: 'equity' }), { section: 'sex', label: 'sex' });
    expect(empty.summary).toBe('No referrals in the period to compare by sex.');
    expect(empty.table.rows).toEqual([]);
    expect(values(empty.spec)).toEqual([{ message: 'No referrals in the period' }]);
  });
});

describe('unmet demand charts', () => {
  const refusals = report({
    report: 'unmet-demand',
    measureNames: ['refused', 'waitlistMax', 'waitlistEnd'],
    rows: [
      row({ section: 'refusals', reason: 'no-capacity' }, { refused: 7 }),
      row({ section: 'refusals', reason: 'not-eligible' }, { refused: null }, ['refused']),
      row({ section: 'waitlist', service: 's1' }, { waitlistEnd: 9, waitlistMax: 12 }),
    ],
  });

  it('counts refusals by reason', () => {
    const chart = refusalsChart(refusals);
    expect(chart.table.rows).toEqual([
      ['no-capacity', '7'],
      ['not-eligible', 'suppressed'],
    ]);
  });

  it('draws the waitlist per service over months (end of month length)', () => {
    const waitlist = report({
      ...refusals,
      groupBy: ['month'],
      rows: [
        row({ section: 'waitlist', service: 's1', month: '2026-02' }, { waitlistEnd: 4, waitlistMax: 6 }),
        row({ section: 'waitlist', service: 's1', month: '2026-01' }, { waitlistEnd: 9, waitlistMax: 12 }),
      ],
    });
    const chart = waitlistChart(waitlist);
    expect(chart.table).toEqual({
      columns: ['Service', 'Month', 'Waitlist length'],
      rows: [
        ['s1', '2026-01', '9'],
        ['s1', '2026-02', '4'],
      ],
    });
    expect((chart.spec['mark'] as { type: string }).type).toBe('line');
  });
});

describe('dashboard sections', () => {
  it('has the four sections in reading order, with every chart, even on empty reports', () => {
    const empty = (name: Report['report']) => report({ report: name });
    const sections = dashboardSections({
      activity: empty('activity'),
      timeliness: empty('timeliness'),
      equity: empty('equity'),
      unmetDemand: empty('unmet-demand'),
    });
    expect(sections.map((s) => [s.id, s.charts.map((c) => c.id)])).toEqual([
      ['funnel', ['funnel']],
      ['timeliness', ['timeliness']],
      ['equity', ['equity-share-ageBand', 'equity-share-sex', 'equity-imd-funnel']],
      ['unmet-demand', ['refusals', 'waitlist']],
    ]);
    expect(sections[0]!.charts[0]!.table.rows[0]).toEqual(['Referred', 'n/a']);
  });
});
