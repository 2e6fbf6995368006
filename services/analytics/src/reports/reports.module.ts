import { Module } from '@nestjs/common';
import { PracticeRegistry } from '../practices/practice-registry';
import { PracticesModule } from '../practices/practices.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { ReferralStatsController, ServiceStatsController } from '../referral-stats/referral-stats.controller';
import { ActivityReportController } from './activity/activity-report.controller';
import { DataQualityReportController } from './data-quality/data-quality-report.controller';
import { EquityReportController } from './equity/equity-report.controller';
import { OutcomesReportController } from './outcomes/outcomes-report.controller';
import { PRACTICE_LOOKUP, REPORT_CLOCK, REPORT_SCOPE } from './run-report/report-ports';
import { RunReportUseCase } from './run-report/run-report.use-case';
import { TimelinessReportController } from './timeliness/timeliness-report.controller';
import { UnmetDemandReportController } from './unmet-demand/unmet-demand-report.controller';
import { ReportScopeResolver } from './scope/report-scope.resolver';

/**
 * Reports: the six period reports (JSON or CSV, scoped, suppressed for all but ops) and the
 * all-time /v1/stats views, all read from the read models' facts. Exports RunReportUseCase (the
 * dashboard draws the same reports).
 */
@Module({
  imports: [ReadModelsModule, PracticesModule],
  controllers: [
    ActivityReportController,
    TimelinessReportController,
    OutcomesReportController,
    EquityReportController,
    UnmetDemandReportController,
    DataQualityReportController,
    ReferralStatsController,
    ServiceStatsController,
  ],
  providers: [
    RunReportUseCase,
    { provide: PRACTICE_LOOKUP, useExisting: PracticeRegistry },
    ReportScopeResolver,
    { provide: REPORT_SCOPE, useExisting: ReportScopeResolver },
    { provide: REPORT_CLOCK, useValue: () => new Date() },
  ],
  exports: [RunReportUseCase],
})
export class ReportsModule {}
