import type { Provider } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { CaseRecordGate } from '../case-record-gate';
import { CaseRecordTransaction } from '../case-record-transaction';
import { AddStatementUseCase } from './add-statement/add-statement.use-case';
import { ChangeStatementUseCase } from './change-statement/change-statement.use-case';
import { CaseStatementRepository } from './case-statement.repository';
import {
  ConcernsSection,
  ListStatementsUseCase,
  WhatMattersSection,
} from './list-statements/list-statements.use-case';

/** What matters and concerns: repository and use cases (registered in case-record.wiring.ts). */
export const whatMattersProviders: Provider[] = [
  CaseStatementRepository,
  {
    provide: AddStatementUseCase,
    inject: [CaseRecordGate, CaseStatementRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (
      gate: CaseRecordGate,
      repo: CaseStatementRepository,
      tx: CaseRecordTransaction,
      audit: AuditLogRepository,
    ) => new AddStatementUseCase(gate, repo, tx, audit),
  },
  {
    provide: ListStatementsUseCase,
    inject: [CaseRecordGate, CaseStatementRepository, AuditLogRepository],
    useFactory: (gate: CaseRecordGate, repo: CaseStatementRepository, audit: AuditLogRepository) =>
      new ListStatementsUseCase(gate, repo, audit),
  },
  {
    provide: ChangeStatementUseCase,
    inject: [CaseRecordGate, CaseStatementRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (
      gate: CaseRecordGate,
      repo: CaseStatementRepository,
      tx: CaseRecordTransaction,
      audit: AuditLogRepository,
    ) => new ChangeStatementUseCase(gate, repo, tx, audit),
  },
  {
    provide: WhatMattersSection,
    inject: [CaseStatementRepository],
    useFactory: (repo: CaseStatementRepository) => new WhatMattersSection(repo),
  },
  {
    provide: ConcernsSection,
    inject: [CaseStatementRepository],
    useFactory: (repo: CaseStatementRepository) => new ConcernsSection(repo),
  },
];
