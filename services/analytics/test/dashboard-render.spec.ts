// The dashboard's specs through the real vega-lite compiler and vega's headless SVG renderer
// (the adapter's worker thread): every chart compiles and draws marks; suppressed figures draw
// no bar but the word "suppressed".
import type { Report, ReportRow } from '../src/reports/domain';
import { dashboardSections } from '../src/dashboard/domain/dashboard-sections';
import { VegaSvgRenderer } from '../src/dashboard/render/vega-svg.renderer';

const row = (
  group: Record<string, string>,
  measures: Record<string, number | null>,
  suppressed: string[] = [],
): ReportRow => ({
  group,
  measures,
  suppressed,
});
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

describe('dashboard charts rendered by vega', () => {
  const renderer = new VegaSvgRenderer();
  afterAll(() => renderer.onModuleDestroy());

  const sections = dashboardSections({
    activity: report({
      report: 'activity',
      total: row({}, { referred: 20, accepted: 12, started: null, completed: 5 }, ['started']),
    }),
    timeliness: report({
      report: 'timeliness',
      measureNames: [
        'firstResponseMedianDays',
        'firstResponseP90Days',
        'firstContactMedianDays',
        'firstContactP90Days',
      ],
      total: row(
        {},
        {
          firstResponseMedianDays: 1,
          firstResponseP90Days: 3,
          firstContactMedianDays: 4,
          firstContactP90Days: 9,
        },
      ),
    }),
    equity: report({
      report: 'equity',
      rows: [
        row({ section: 'ageBand', ageBand: '25-34' }, { shareOfReferrals: 0.5, shareOfPopulation: 0.2 }),
        row({ section: 'ageBand', ageBand: '35-44' }, { shareOfReferrals: null, shareOfPopulation: 0.3 }, [
          'shareOfReferrals',
        ]),
        row({ section: 'sex', sex: 'female' }, { shareOfReferrals: 0.7, shareOfPopulation: 0.5 }),
        row(
          { section: 'imdDecile', imdDecile: '3' },
          { referred: 9, accepted: 7, started: 6, completedPositive: 5 },
        ),
      ],
    }),
    unmetDemand: report({
      report: 'unmet-demand',
      measureNames: ['refused', 'waitlistMax', 'waitlistEnd'],
      rows: [
        row({ section: 'refusals', reason: 'no-capacity' }, { refused: 6 }),
        row({ section: 'waitlist', service: 'svc', month: '2026-01' }, { waitlistMax: 4, waitlistEnd: 3 }),
        row({ section: 'waitlist', service: 'svc', month: '2026-02' }, { waitlistMax: 8, waitlistEnd: 8 }),
      ],
    }),
  });

  it.each(sections.flatMap((s) => s.charts.map((c) => [c.id, c] as const)))(
    '%s compiles to an SVG with marks',
    async (_id, chart) => {
      const svg = await renderer.toSvg(chart.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      const marks = (svg.match(/<(rect|path)\b/g) ?? []).length;
      expect(marks).toBeGreaterThan(1);
      expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
    },
  );

  it('writes a message instead of empty axes when a chart has no data', async () => {
    const empty = dashboardSections({
      activity: report({ report: 'activity' }),
      timeliness: report({ report: 'timeliness' }),
      equity: report({ report: 'equity' }),
      unmetDemand: report({ report: 'unmet-demand' }),
    });
    const svg = await renderer.toSvg(empty[3]!.charts[1]!.spec);
    expect(svg).toContain('>No capacity reports in the period<');
  });

  it('writes "suppressed" where a figure is suppressed', async () => {
    const svg = await renderer.toSvg(sections[0]!.charts[0]!.spec);
    expect(svg).toContain('>suppressed<');
    expect(svg).toContain('>20<');
  });

  it('reports a bad spec as an error, and keeps rendering afterwards', async () => {
    await expect(renderer.toSvg({ mark: 'nonsense', data: { values: [] } })).rejects.toThrow(
      /chart rendering failed/,
    );
    await expect(renderer.toSvg(sections[0]!.charts[0]!.spec)).resolves.toMatch(/^<svg/);
  });
});
