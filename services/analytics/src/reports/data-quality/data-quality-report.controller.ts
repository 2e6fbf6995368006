import { Controller, Query, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import type { Report } from '../domain';
import { ReportController, ReportEndpoint } from '../report-http/report-api.decorators';
import { respondWithReport } from '../report-http/report-response';
import { RunReportUseCase, type RawReportQuery } from '../run-report/run-report.use-case';

/** GET /v1/reports/data-quality: JSON or CSV by Accept. */
@ReportController()
@Controller('v1/reports/data-quality')
export class DataQualityReportController {
  constructor(private readonly reports: RunReportUseCase) {}

  @ReportEndpoint(
    'Data quality per referring practice and receiving service',
    'Share of referrals missing optional-but-expected fields: ethnic category, wellbeing baseline, outcome codes at completion, response within the deadline.',
  )
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RawReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Report | string> {
    return respondWithReport(this.reports, 'data-quality', principal, query, request, response);
  }
}
