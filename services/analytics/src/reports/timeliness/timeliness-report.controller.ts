import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/timeliness: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/timeliness')
export class TimelinessReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'Time to first response, first contact and completion',
    'Median and 90th percentile days from submission to the first response, to first contact and to completion, and the share answered within the response deadline, for referrals submitted in [from, to).',
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'timeliness', principal, query, request, response);
  }
}
