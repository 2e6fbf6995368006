import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/equity: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/equity')
export class EquityReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'Equity: the funnel by age band, sex, deprivation and ethnicity',
    "Referred, accepted, started and completed by age band, sex, IMD decile and ethnic category, with each group's share of referrals against its share of the practice population (age band and sex, where list sizes are imported).",
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'equity', principal, query, request, response);
  }
}
