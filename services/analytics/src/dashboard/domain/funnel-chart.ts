import type { Report } from '../../reports/domain';
import { baseSpec, categories, datum, figure, type Chart } from './chart';

/** The funnel's stages: activity measures of the period's cohort (referrals submitted in it). */
export const FUNNEL_STAGES = [
  { measure: 'referred', label: 'Referred' },
  { measure: 'accepted', label: 'Accepted' },
  { measure: 'started', label: 'Started' },
  { measure: 'completed', label: 'Completed' },
] as const;

/** Horizontal bars, one per stage, for the whole cohort (the activity report's total row). */
export function funnelChart(activity: Report): Chart {
  const figures = FUNNEL_STAGES.map((s) => ({
    stage: s.label,
    figure: figure(activity.total, s.measure, 'count'),
  }));
  const summary = `Referral funnel: ${figures.map((f) => `${f.stage} ${f.figure.label}`).join(', ')}.`;
  return {
    id: 'funnel',
    heading: 'Referred, accepted, started, completed',
    summary,
    spec: horizontalBars(
      summary,
      figures.map((f) => datum(f.figure, { category: f.stage })),
      'Referrals',
    ),
    table: { columns: ['Stage', 'Referrals'], rows: figures.map((f) => [f.stage, f.figure.label]) },
  };
}

/** Axis of counts: whole numbers only. */
export const COUNT_AXIS = { format: 'd', tickMinStep: 1 };

/** Bars with their value written at the end (or "suppressed" at the axis when there is no bar). */
export function horizontalBars(
  summary: string,
  values: Array<Record<string, unknown>>,
  valueTitle: string,
  axisFormat?: string,
): Record<string, unknown> {
  const x = {
    field: 'value',
    type: 'quantitative',
    title: valueTitle,
    axis: axisFormat ? { format: axisFormat } : COUNT_AXIS,
  };
  return {
    ...baseSpec(summary),
    height: { step: 30 },
    data: { values },
    // An explicit domain keeps every category in its order, including one with no bar (null).
    encoding: {
      y: { field: 'category', type: 'nominal', title: null, scale: { domain: categories(values) } },
    },
    layer: [
      { mark: { type: 'bar', color: '#005eb8' }, encoding: { x } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12 },
        encoding: { x: { field: 'position', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}
