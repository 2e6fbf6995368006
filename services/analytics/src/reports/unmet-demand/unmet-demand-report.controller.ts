import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/unmet-demand: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/unmet-demand')
export class UnmetDemandReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'Unmet demand: refusals at intake and waitlists',
    'Referrals refused at intake by reason, need, service and area, and waitlist length over time from capacity reports.',
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'unmet-demand', principal, query, request, response);
  }
}
