import type { Report, ReportRow } from '../../reports/domain';

/**
 * A Vega-Lite specification as plain JSON. Typed loosely on purpose: the domain builds specs
 * without importing vega-lite (an ESM-only package the render adapter loads in a worker); the
 * adapter compiles them and vega-lite validates them there.
 */
export type VegaLiteSpec = Record<string, unknown>;

/** The data behind a chart as a small table: the accessible fallback beside the SVG. */
export interface ChartTable {
  columns: string[];
  rows: string[][];
}

export interface Chart {
  /** Stable id, used for the element id and by the browser test. */
  id: string;
  heading: string;
  /** One sentence read by screen readers (SVG <title>, aria-label) and shown as the caption. */
  summary: string;
  spec: VegaLiteSpec;
  table: ChartTable;
}

export interface DashboardSection {
  id: string;
  heading: string;
  /** What the section shows and which measure it uses. */
  intro: string;
  charts: Chart[];
}

/** How one figure is shown: its value (null draws nothing) and its label. */
export interface Figure {
  value: number | null;
  label: string;
  suppressed: boolean;
}

export const SUPPRESSED = 'suppressed';
/** A value with no denominator (e.g. a rate of zero referrals): not a zero, not suppressed. */
export const NOT_AVAILABLE = 'n/a';

export type FigureFormat = 'count' | 'share' | 'days';

export function formatValue(value: number, format: FigureFormat): string {
  switch (format) {
    case 'count':
      return String(value);
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
    case 'days':
      return `${Number.isInteger(value) ? value : value.toFixed(1)} d`;
  }
}

/** A measure of a row: suppressed values are labelled "suppressed", never drawn as 0. */
export function figure(row: ReportRow | undefined, measure: string, format: FigureFormat): Figure {
  if (row && row.suppressed.includes(measure)) return { value: null, label: SUPPRESSED, suppressed: true };
  const value = row?.measures[measure];
  if (value === null || value === undefined) return { value: null, label: NOT_AVAILABLE, suppressed: false };
  return { value, label: formatValue(value, format), suppressed: false };
}

/** Rows of a report whose group column `key` has `value` (e.g. equity's section 'ageBand'). */
export function rowsWhere(report: Report, key: string, value: string): ReportRow[] {
  return report.rows.filter((r) => (r.group as Record<string, string | undefined>)[key] === value);
}

export function groupValue(row: ReportRow, key: string): string {
  return (row.group as Record<string, string | undefined>)[key] ?? 'unknown';
}

/** Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphical objects). */
export const PALETTE = ['#005eb8', '#ae2573', '#007f3b', '#ed8b00', '#330072', '#425563'];

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** Common top-level settings: fixed width, readable font, no actions, no external resources. */
export function baseSpec(summary: string): VegaLiteSpec {
  return {
    description: summary,
    width: 520,
    background: 'white',
    config: {
      font: FONT,
      axis: { labelFontSize: 12, titleFontSize: 12 },
      legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', labelLimit: 0 },
      range: { category: PALETTE },
      view: { stroke: null },
    },
  };
}

/**
 * One data point of a bar chart: `value` for the bar (null: no bar), `position` where its label
 * goes (0 for a missing bar, so "suppressed" is written at the axis), `label` the text.
 */
export function datum(f: Figure, fields: Record<string, string>): Record<string, unknown> {
  return { ...fields, value: f.value, position: f.value ?? 0, label: f.label };
}

/** The distinct categories of the data, in order of first appearance. */
export function categories(values: Array<Record<string, unknown>>, field = 'category'): string[] {
  return [...new Set(values.map((v) => String(v[field])))];
}

/** A chart with no data: the message as text, instead of empty axes. */
export function emptySpec(summary: string, message: string): VegaLiteSpec {
  return {
    ...baseSpec(summary),
    height: 40,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 13, color: '#4c6272' },
    encoding: { text: { field: 'message' } },
  };
}
