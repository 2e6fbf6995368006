import type { Report, ReportRow } from '../../reports/domain';
import { COUNT_AXIS } from './funnel-chart';
import {
  baseSpec,
  categories,
  emptySpec,
  datum,
  figure,
  groupValue,
  rowsWhere,
  type Chart,
  type Figure,
} from './chart';

/** Population dimensions compared with the practice population (list sizes exist for these). */
export const SHARE_DIMENSIONS = [
  { section: 'ageBand', label: 'age band' },
  { section: 'sex', label: 'sex' },
] as const;

/** The equity funnel's stages (equity measures; "completed" = completedPositive). */
export const EQUITY_STAGES = [
  { measure: 'referred', label: 'Referred' },
  { measure: 'accepted', label: 'Accepted' },
  { measure: 'started', label: 'Started' },
  { measure: 'completedPositive', label: 'Completed' },
] as const;

const SERIES = [
  { measure: 'shareOfReferrals', label: 'Share of referrals' },
  { measure: 'shareOfPopulation', label: 'Share of practice population' },
] as const;

/** Group values in their natural order: numbers (age bands, deciles) by value, then text, 'unknown' last. */
export function sortGroups(rows: ReportRow[], key: string): ReportRow[] {
  const rank = (v: string): [number, number, string] => {
    if (v === 'unknown') return [2, 0, v];
    const n = parseInt(v, 10);
    return Number.isNaN(n) ? [1, 0, v] : [0, n, v];
  };
  return [...rows].sort((a, b) => {
    const [x, y] = [rank(groupValue(a, key)), rank(groupValue(b, key))];
    return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
  });
}

/** Share of referrals against share of the practice population, per group of one dimension. */
export function shareChart(equity: Report, dimension: (typeof SHARE_DIMENSIONS)[number]): Chart {
  const rows = sortGroups(rowsWhere(equity, 'section', dimension.section), dimension.section);
  const cells = rows.flatMap((row) =>
    SERIES.map((s) => ({
      group: groupValue(row, dimension.section),
      series: s.label,
      figure: figure(row, s.measure, 'share'),
    })),
  );
  const summary =
    rows.length === 0
      ? `No referrals in the period to compare by ${dimension.label}.`
      : `Share of referrals against share of the practice population by ${dimension.label}: ${rows
          .map((row) => {
            const g = groupValue(row, dimension.section);
            const [r, p] = SERIES.map(
              (s) => cells.find((c) => c.group === g && c.series === s.label)!.figure.label,
            );
            return `${g} ${r} of referrals, ${p} of population`;
          })
          .join('; ')}.`;
  return {
    id: `equity-share-${dimension.section}`,
    heading: `Referrals and population by ${dimension.label}`,
    summary,
    spec:
      rows.length === 0
        ? emptySpec(summary, 'No referrals in the period')
        : groupedBars(
            summary,
            cells,
            `${dimension.label[0]!.toUpperCase()}${dimension.label.slice(1)}`,
            'Share',
            '%',
          ),
    table: {
      columns: [dimension.label[0]!.toUpperCase() + dimension.label.slice(1), ...SERIES.map((s) => s.label)],
      rows: rows.map((row) => [
        groupValue(row, dimension.section),
        ...SERIES.map((s) => figure(row, s.measure, 'share').label),
      ]),
    },
  };
}

/** The equity funnel (referred, accepted, started, completed) per deprivation decile. */
export function imdFunnelChart(equity: Report): Chart {
  const rows = sortGroups(rowsWhere(equity, 'section', 'imdDecile'), 'imdDecile');
  const cells = rows.flatMap((row) =>
    EQUITY_STAGES.map((s) => ({
      group: groupValue(row, 'imdDecile'),
      series: s.label,
      figure: figure(row, s.measure, 'count'),
    })),
  );
  const summary =
    rows.length === 0
      ? 'No referrals in the period to show by deprivation decile.'
      : `Referral funnel by IMD decile (1 most deprived): ${rows
          .map((row) => {
            const g = groupValue(row, 'imdDecile');
            return `decile ${g}: ${cells
              .filter((c) => c.group === g)
              .map((c) => `${c.series.toLowerCase()} ${c.figure.label}`)
              .join(', ')}`;
          })
          .join('; ')}.`;
  return {
    id: 'equity-imd-funnel',
    heading: 'Funnel by deprivation decile (IMD 2019, 1 = most deprived)',
    summary,
    spec:
      rows.length === 0
        ? emptySpec(summary, 'No referrals in the period')
        : groupedBars(summary, cells, 'IMD decile', 'Referrals'),
    table: {
      columns: ['IMD decile', ...EQUITY_STAGES.map((s) => s.label)],
      rows: rows.map((row) => [
        groupValue(row, 'imdDecile'),
        ...EQUITY_STAGES.map((s) => figure(row, s.measure, 'count').label),
      ]),
    },
  };
}

/** Horizontal bars grouped by `group`, one bar per series (coloured, with a legend). */
export function groupedBars(
  summary: string,
  cells: Array<{ group: string; series: string; figure: Figure }>,
  groupTitle: string,
  valueTitle: string,
  axisFormat?: string,
): Record<string, unknown> {
  const values = cells.map((c) => datum(c.figure, { category: c.group, series: c.series }));
  return {
    ...baseSpec(summary),
    height: { step: 14 },
    data: { values },
    // Explicit domains: groups and series keep their order and places even when a bar is missing.
    encoding: {
      y: { field: 'category', type: 'nominal', title: groupTitle, scale: { domain: categories(values) } },
      yOffset: { field: 'series', scale: { domain: categories(values, 'series') } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: {
            field: 'value',
            type: 'quantitative',
            title: valueTitle,
            axis: axisFormat ? { format: axisFormat } : COUNT_AXIS,
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: categories(values, 'series') },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: { x: { field: 'position', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}
