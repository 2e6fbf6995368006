import type { Provider } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { ReferralRepository } from '../../referrals/referral.repository';
import { CaseRecordGate } from '../case-record-gate';
import { CaseRecordTransaction } from '../case-record-transaction';
import { AddActionUseCase } from './add-action/add-action.use-case';
import { ChangeActionUseCase } from './change-action/change-action.use-case';
import { PlanActionRepository } from './plan-action.repository';
import { PlanSection, ReadPlanUseCase } from './read-plan/read-plan.use-case';

type Gate = CaseRecordGate;
type Actions = PlanActionRepository;
type Audit = AuditLogRepository;

/** The support plan: repository, use cases, whole-record section (see case-record.wiring.ts). */
export const planProviders: Provider[] = [
  PlanActionRepository,
  {
    provide: AddActionUseCase,
    inject: [
      CaseRecordGate,
      PlanActionRepository,
      CaseRecordTransaction,
      ReferralRepository,
      AuditLogRepository,
    ],
    useFactory: (g: Gate, a: Actions, t: CaseRecordTransaction, r: ReferralRepository, audit: Audit) =>
      new AddActionUseCase(g, a, t, r, audit),
  },
  {
    provide: ChangeActionUseCase,
    inject: [
      CaseRecordGate,
      PlanActionRepository,
      CaseRecordTransaction,
      ReferralRepository,
      AuditLogRepository,
    ],
    useFactory: (g: Gate, a: Actions, t: CaseRecordTransaction, r: ReferralRepository, audit: Audit) =>
      new ChangeActionUseCase(g, a, t, r, audit),
  },
  {
    provide: ReadPlanUseCase,
    inject: [CaseRecordGate, PlanActionRepository, AuditLogRepository],
    useFactory: (g: Gate, a: Actions, audit: Audit) => new ReadPlanUseCase(g, a, audit),
  },
  {
    provide: PlanSection,
    inject: [PlanActionRepository],
    useFactory: (a: Actions) => new PlanSection(a),
  },
];
