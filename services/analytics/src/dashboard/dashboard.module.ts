import { Module } from '@nestjs/common';
import { ERROR_RENDERERS } from '@sp/service-kit';
import { ReportsModule } from '../reports/reports.module';
import { CHART_RENDERER } from './render/chart-renderer';
import { VegaSvgRenderer } from './render/vega-svg.renderer';
import { dashboardErrorRenderer } from './show-dashboard/dashboard-error.renderer';
import { DashboardController } from './show-dashboard/dashboard.controller';
import { ShowDashboardUseCase } from './show-dashboard/show-dashboard.use-case';

/**
 * Dashboard: GET /dashboard, the reports as server-rendered charts (Vega-Lite specs built by the
 * pure functions in domain/, rendered to SVG by vega in a worker thread). Errors under /dashboard
 * are rendered as HTML through service-kit's ERROR_RENDERERS (the analytics service has no other).
 */
@Module({
  imports: [ReportsModule],
  controllers: [DashboardController],
  providers: [
    ShowDashboardUseCase,
    VegaSvgRenderer,
    { provide: CHART_RENDERER, useExisting: VegaSvgRenderer },
    { provide: ERROR_RENDERERS, useValue: [dashboardErrorRenderer] },
  ],
})
export class DashboardModule {}
