import type { Report } from '../../reports/domain';
import { baseSpec, categories, datum, figure, type Chart, type Figure } from './chart';

/** The timeliness measures shown: days from submission (see docs/analytics/measures.md). */
export const TIMELINESS_MEASURES = [
  { measure: 'firstResponse', label: 'First response' },
  { measure: 'firstContact', label: 'First contact' },
  { measure: 'completion', label: 'Completion' },
] as const;

const STATISTICS = [
  { pattern: /median/i, label: 'Median' },
  { pattern: /p90/i, label: '90th percentile' },
] as const;

/** The report's measure name for a statistic of a measure (e.g. firstContact + median: firstContactMedianDays). */
export function statisticMeasure(report: Report, measure: string, pattern: RegExp): string | undefined {
  return report.measureNames.find(
    (name) => name.startsWith(measure) && pattern.test(name.slice(measure.length)),
  );
}

/** Median and 90th percentile days for each measure, over the cohort (the report's total row). */
export function timelinessChart(timeliness: Report): Chart {
  const cells: Array<{ measure: string; statistic: string; figure: Figure }> = [];
  for (const m of TIMELINESS_MEASURES) {
    for (const s of STATISTICS) {
      const name = statisticMeasure(timeliness, m.measure, s.pattern);
      cells.push({
        measure: m.label,
        statistic: s.label,
        figure: figure(timeliness.total, name ?? '', 'days'),
      });
    }
  }
  const summary = `Days from referral: ${TIMELINESS_MEASURES.map(
    (m) =>
      `${m.label.toLowerCase()} median ${cells.find((c) => c.measure === m.label && c.statistic === 'Median')!.figure.label}, 90th percentile ${cells.find((c) => c.measure === m.label && c.statistic !== 'Median')!.figure.label}`,
  ).join('; ')}.`;
  const values = cells.map((c) => datum(c.figure, { category: c.measure, statistic: c.statistic }));
  return {
    id: 'timeliness',
    heading: 'Days to first response, first contact and completion',
    summary,
    spec: {
      ...baseSpec(summary),
      height: { step: 22 },
      data: { values },
      encoding: {
        y: { field: 'category', type: 'nominal', title: null, scale: { domain: categories(values) } },
        yOffset: { field: 'statistic', scale: { domain: categories(values, 'statistic') } },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'value', type: 'quantitative', title: 'Days from referral' },
            color: {
              field: 'statistic',
              type: 'nominal',
              title: null,
              scale: { domain: categories(values, 'statistic') },
            },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: { x: { field: 'position', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    },
    table: {
      columns: ['Measure', 'Median', '90th percentile'],
      rows: TIMELINESS_MEASURES.map((m) => [
        m.label,
        ...STATISTICS.map(
          (s) => cells.find((c) => c.measure === m.label && c.statistic === s.label)!.figure.label,
        ),
      ]),
    },
  };
}
