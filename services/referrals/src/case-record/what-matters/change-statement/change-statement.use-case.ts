import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import { changeableEntry } from '../../domain/entry-change';
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

export interface ChangeStatementInput {
  referralId: string;
  kind: StatementKind;
  statementId: string;
  actor: Actor;
  /** The well-formed change (see case-statement.request.ts): at least one field. */
  change: { text?: string; recordedAt?: Date; status?: StatementStatus };
  /** If-Match (412 when the statement changed since). */
  expectedVersion?: number;
}

/**
 * Corrects a statement (text, when agreed) or changes its status (achieved, resolved, no longer
 * relevant, active again): its author or a team lead. The change is held against consent
 * withdrawal (CaseRecordTransaction).
 */
export class ChangeStatementUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly statements: Pick<CaseStatementRepository, 'findOne' | 'change'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: ChangeStatementInput, now = new Date()): Promise<CaseStatementDocument> {
    const { referralId, kind, actor, change } = input;
    return audited(this.audit, actorRef(actor), `case.${kind}.update`, referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const current = changeableEntry(
        kind,
        input.statementId,
        await this.statements.findOne(referral._id, kind, input.statementId),
        actor,
        input.expectedVersion,
      );
      const problems = statementProblems(
        change.recordedAt !== undefined ? { recordedAt: change.recordedAt } : {},
        now,
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const { status } = change;
      const after = await this.tx.run(referral._id, (session) =>
        this.statements.change(
          current._id,
          current.version,
          {
            ...(change.text !== undefined ? { text: change.text } : {}),
            ...(change.recordedAt !== undefined ? { recordedAt: change.recordedAt } : {}),
            ...(status !== undefined && status !== current.status ? { status, statusChangedAt: now } : {}),
            updatedAt: now,
            updatedBy: caseAuthorOf(actor),
          },
          session,
        ),
      );
      if (!after) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
      return after;
    });
  }
}
