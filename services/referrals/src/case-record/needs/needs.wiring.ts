import type { Provider } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { ReferralRepository } from '../../referrals/referral.repository';
import { CaseRecordGate } from '../case-record-gate';
import { CaseNeedRepository } from './case-need.repository';
import { ListNeedsUseCase, NeedsSection } from './list-needs/list-needs.use-case';
import { RecordNeedUseCase } from './record-need/record-need.use-case';

/** Coded needs over time: repository, use cases, whole-record section (see case-record.wiring.ts). */
export const needsProviders: Provider[] = [
  CaseNeedRepository,
  {
    provide: RecordNeedUseCase,
    inject: [CaseRecordGate, CaseNeedRepository, ReferralRepository, AuditLogRepository],
    useFactory: (
      gate: CaseRecordGate,
      repo: CaseNeedRepository,
      referrals: ReferralRepository,
      audit: AuditLogRepository,
    ) => new RecordNeedUseCase(gate, repo, referrals, audit),
  },
  {
    provide: ListNeedsUseCase,
    inject: [CaseRecordGate, CaseNeedRepository, AuditLogRepository],
    useFactory: (gate: CaseRecordGate, repo: CaseNeedRepository, audit: AuditLogRepository) =>
      new ListNeedsUseCase(gate, repo, audit),
  },
  {
    provide: NeedsSection,
    inject: [CaseNeedRepository],
    useFactory: (repo: CaseNeedRepository) => new NeedsSection(repo),
  },
];
