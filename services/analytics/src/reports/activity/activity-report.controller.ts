import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/activity: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/activity')
export class ActivityReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'Referral activity in a period',
    'Referrals submitted in [from, to) in your scope: made, accepted, rejected (by coded reason), expired with no response, started, completed (by coded outcome), cancelled, failed, onward referrals; acceptance and completion rates.',
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'activity', principal, query, request, response);
  }
}
