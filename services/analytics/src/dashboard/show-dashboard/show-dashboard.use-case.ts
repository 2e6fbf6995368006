import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@sp/identity';
import type { Report } from '../../reports/domain';
import { RunReportUseCase, type RawReportQuery } from '../../reports/run-report/run-report.use-case';
import type { Chart } from '../domain/chart';
import { dashboardHtml, type RenderedChart } from '../domain/dashboard-page';
import { dashboardSections } from '../domain/dashboard-sections';
import { CHART_RENDERER, type ChartRenderer } from '../render/chart-renderer';

/** The query parameters the dashboard passes to the reports (the period and the narrowing). */
export const DASHBOARD_PARAMS = ['from', 'to', 'practice', 'pcn', 'icb', 'organisation'] as const;

/** The caller's parameters, without groupBy (each chart asks for its own grouping). */
export function dashboardQuery(raw: RawReportQuery): RawReportQuery {
  const query: RawReportQuery = {};
  for (const name of DASHBOARD_PARAMS) if (raw[name] !== undefined) query[name] = raw[name];
  return query;
}

/**
 * The dashboard for one caller: the reports it may see (same parsing, scope and suppression as
 * GET /v1/reports/*, so a bad period is a 400 and a scope it lacks a 403), turned into charts by
 * the pure spec builders and rendered to SVG, in one HTML page.
 */
@Injectable()
export class ShowDashboardUseCase {
  constructor(
    private readonly reports: RunReportUseCase,
    @Inject(CHART_RENDERER) private readonly renderer: ChartRenderer,
  ) {}

  async html(principal: Principal, raw: RawReportQuery): Promise<string> {
    const query = dashboardQuery(raw);
    // The first report validates the query and scope; the others only run once it passed.
    const activity = await this.reports.run('activity', principal, query);
    const [timeliness, equity, unmetDemand] = await Promise.all([
      this.reports.run('timeliness', principal, query),
      this.reports.run('equity', principal, query),
      this.reports.run('unmet-demand', principal, query),
    ]);
    const sections = dashboardSections({ activity, timeliness, equity, unmetDemand });
    const rendered = await Promise.all(
      sections.map(async (s) => ({ ...s, charts: await Promise.all(s.charts.map((c) => this.render(c))) })),
    );
    return dashboardHtml({ period: activity.period, suppressed: isSuppressed(activity), sections: rendered });
  }

  private async render(chart: Chart): Promise<RenderedChart> {
    return { ...chart, svg: await this.renderer.toSvg(chart.spec) };
  }
}

function isSuppressed(report: Report): boolean {
  return report.suppression === 'applied';
}
