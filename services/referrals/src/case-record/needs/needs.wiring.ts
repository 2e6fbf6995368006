import type { Provider } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { CaseRecordGate } from '../case-record-gate';
import { CaseRecordTransaction } from '../case-record-transaction';
import { CaseNeedRepository } from './case-need.repository';
import { ListNeedsUseCase, NeedsSection } from './list-needs/list-needs.use-case';
import { RecordNeedUseCase } from './record-need/record-need.use-case';

/** Coded needs over time: repository, use cases, whole-record section (see case-record.wiring.ts). */
export const needsProviders: Provider[] = [
  CaseNeedRepository,
  {
    provide: RecordNeedUseCase,
    inject: [CaseRecordGate, CaseNeedRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (
      gate: CaseRecordGate,
      repo: CaseNeedRepository,
      tx: CaseRecordTransaction,
      audit: AuditLogRepository,
    ) => new RecordNeedUseCase(gate, repo, tx, audit),
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
