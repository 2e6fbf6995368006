import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf, mayEditEntry } from '../../domain/case-author';
import {
  statementInput,
  statementProblems,
  type StatementKind,
  type StatementStatus,
} from '../../domain/case-statement.rules';
import { readableDate, withRuleProblems } from '../../domain/field-problems';
import type { CaseStatementDocument } from '../case-statement.entity';
import type { CaseStatementRepository } from '../case-statement.repository';
import { statementChangeProblems, type StatementChangeRequest } from '../case-statement.request';

export interface ChangeStatementInput {
  referralId: string;
  kind: StatementKind;
  statementId: string;
  actor: Actor;
  body: unknown;
  /** If-Match (412 when the statement changed since). */
  expectedVersion?: number;
}

/**
 * Corrects a statement (text, when agreed) or changes its status (achieved, resolved, no longer
 * relevant, active again): its author or a team lead.
 */
export class ChangeStatementUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly statements: Pick<CaseStatementRepository, 'findOne' | 'change'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: ChangeStatementInput, now = new Date()): Promise<CaseStatementDocument> {
    const { referralId, kind, actor } = input;
    return audited(this.audit, actorRef(actor), `case.${kind}.update`, referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const current = await this.statements.findOne(referral._id, kind, input.statementId);
      if (!current) throw CaseRecordErrors.entryNotFound(kind, input.statementId);
      if (!mayEditEntry(current.author, actor)) throw CaseRecordErrors.notAuthor();
      if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
        throw CaseRecordErrors.versionMismatch(input.expectedVersion, current.version);
      const body = (input.body ?? {}) as StatementChangeRequest;
      const recordedAt = readableDate(body.recordedAt);
      const problems = withRuleProblems(
        statementChangeProblems(input.body),
        statementProblems(kind, statementInput(body.text, recordedAt, body.status), now),
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const status = body.status as StatementStatus | undefined;
      const after = await this.statements.change(current._id, current.version, {
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(recordedAt ? { recordedAt } : {}),
        ...(status !== undefined && status !== current.status ? { status, statusChangedAt: now } : {}),
        updatedAt: now,
        updatedBy: caseAuthorOf(actor),
      });
      if (!after) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
      return after;
    });
  }
}
