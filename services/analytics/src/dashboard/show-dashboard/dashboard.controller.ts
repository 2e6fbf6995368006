import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ROLES, Roles, type Principal } from '@sp/identity';
import type { RawReportQuery } from '../../reports/run-report/run-report.use-case';
import { DASHBOARD_CSP } from '../domain/dashboard-page';
import { ShowDashboardUseCase } from './show-dashboard.use-case';

/**
 * GET /dashboard: an HTML page of server-rendered charts for the caller's scope. An API route
 * like the reports (Bearer token): a portal embeds it, or a browser sends the token. Errors are
 * an HTML page (problem+json when Accept asks for JSON): see dashboard-error.renderer.ts.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: ShowDashboardUseCase) {}

  @Get()
  // Every role, commissioners included (they reach only routes that name them); what each may
  // see is the reports' scope rule (403 for a role with no scope).
  @Roles(...ROLES)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Dashboard: funnel, timeliness, equity and unmet demand as charts (HTML, no scripts)',
    description:
      'The activity, timeliness, equity and unmet-demand reports for the caller’s scope, rendered to inline SVG with a data table per chart. Small numbers are suppressed except for ops.',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'Start of the period (YYYY-MM-DD or date-time), inclusive; default 12 months before `to`',
  })
  @ApiQuery({ name: 'to', required: false, description: 'End of the period, exclusive; default now' })
  @ApiQuery({
    name: 'practice',
    required: false,
    description: 'Narrow to practices (ODS codes), within your scope',
  })
  @ApiQuery({ name: 'pcn', required: false, description: 'Narrow to PCNs, within your scope' })
  @ApiQuery({ name: 'icb', required: false, description: 'Narrow to ICBs, within your scope' })
  @ApiQuery({
    name: 'organisation',
    required: false,
    description: 'Narrow to organisations, within your scope',
  })
  @ApiResponse({
    status: 200,
    description: 'The dashboard page',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiResponse({
    status: 400,
    description: 'Bad period: an HTML page (or problem+json) naming each parameter',
  })
  @ApiResponse({ status: 401, description: 'No or invalid bearer token' })
  @ApiResponse({ status: 403, description: 'A role with no scope, or a narrowing outside it' })
  show(@CurrentPrincipal() principal: Principal, @Query() query: RawReportQuery): Promise<string> {
    return this.dashboard.html(principal, query);
  }
}
