import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import {
  statementProblems,
  type StatementKind,
  type StatementStatus,
} from '../../domain/case-statement.rules';
import type { CaseStatementDocument } from '../case-statement.entity';
import type { CaseStatementRepository } from '../case-statement.repository';

export interface AddStatementInput {
  referralId: string;
  kind: StatementKind;
  actor: Actor;
  /** The well-formed body (see case-statement.request.ts). */
  text: string;
  recordedAt?: Date;
  status?: StatementStatus;
}

/**
 * Records what matters to the person, or a concern (the organisation holding the referral, while
 * consent stands): 422 naming `recordedAt` when it is in the future, and nothing is stored. The
 * insert is held against consent withdrawal (CaseRecordTransaction).
 */
export class AddStatementUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly statements: Pick<CaseStatementRepository, 'insert'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: AddStatementInput, now = new Date()): Promise<CaseStatementDocument> {
    const { referralId, kind, actor } = input;
    return audited(this.audit, actorRef(actor), `case.${kind}.create`, referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const problems = statementProblems(
        input.recordedAt !== undefined ? { recordedAt: input.recordedAt } : {},
        now,
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const status = input.status ?? 'active';
      const statement: CaseStatementDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: actor.organisationId,
        kind,
        text: input.text,
        status,
        recordedAt: input.recordedAt ?? now,
        ...(status !== 'active' ? { statusChangedAt: now } : {}),
        author: caseAuthorOf(actor),
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.tx.run(referral._id, (session) => this.statements.insert(statement, session));
      return statement;
    });
  }
}
