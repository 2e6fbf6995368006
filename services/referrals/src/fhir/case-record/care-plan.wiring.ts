import type { Provider, Type } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { CaseRecordGate } from '../../case-record/case-record-gate';
import { CaseNeedRepository } from '../../case-record/needs/case-need.repository';
import { PlanActionRepository } from '../../case-record/plan/plan-action.repository';
import { CaseStatementRepository } from '../../case-record/what-matters/case-statement.repository';
import { ReferralRepository } from '../../referrals/referral.repository';
import { CarePlanController } from './care-plan.controller';
import { CarePlanUseCase } from './care-plan.use-case';
import { GoalController } from './goal.controller';
import { GoalUseCase } from './goal.use-case';

/** The case record's FHIR views (CarePlan, Goal): registered in case-record.wiring.ts. */
export const carePlanFhirControllers: Type<unknown>[] = [CarePlanController, GoalController];

export const carePlanFhirProviders: Provider[] = [
  {
    provide: CarePlanUseCase,
    inject: [
      CaseRecordGate,
      ReferralRepository,
      PlanActionRepository,
      CaseStatementRepository,
      CaseNeedRepository,
      AuditLogRepository,
    ],
    useFactory: (
      gate: CaseRecordGate,
      referrals: ReferralRepository,
      actions: PlanActionRepository,
      statements: CaseStatementRepository,
      needs: CaseNeedRepository,
      audit: AuditLogRepository,
    ) => new CarePlanUseCase(gate, referrals, actions, statements, needs, audit),
  },
  {
    provide: GoalUseCase,
    inject: [CaseRecordGate, ReferralRepository, CaseStatementRepository, AuditLogRepository],
    useFactory: (
      gate: CaseRecordGate,
      referrals: ReferralRepository,
      statements: CaseStatementRepository,
      audit: AuditLogRepository,
    ) => new GoalUseCase(gate, referrals, statements, audit),
  },
];
