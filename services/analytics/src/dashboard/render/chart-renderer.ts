import type { VegaLiteSpec } from '../domain/chart';

/** Turns a Vega-Lite specification into an SVG document (the dashboard's render port). */
export interface ChartRenderer {
  toSvg(spec: VegaLiteSpec): Promise<string>;
}

export const CHART_RENDERER = Symbol('ChartRenderer');
