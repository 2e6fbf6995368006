import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/outcomes: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/outcomes')
export class OutcomesReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'ONS4 wellbeing change',
    'Paired ONS4 change (referrals with both baseline and follow-up): mean change per item and the share moving between the ONS thresholds; referrals with a baseline but no follow-up.',
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'outcomes', principal, query, request, response);
  }
}
