import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf } from '../../domain/case-author';
import {
  statementInput,
  statementProblems,
  type StatementKind,
  type StatementStatus,
} from '../../domain/case-statement.rules';
import { readableDate, withRuleProblems } from '../../domain/field-problems';
import type { CaseStatementDocument } from '../case-statement.entity';
import type { CaseStatementRepository } from '../case-statement.repository';
import { newStatementProblems, type NewStatementRequest } from '../case-statement.request';

/**
 * Records what matters to the person, or a concern (the organisation holding the referral, while
 * consent stands). Every problem with the body is named (422) and nothing is stored.
 */
export class AddStatementUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly statements: Pick<CaseStatementRepository, 'insert'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(
    input: { referralId: string; kind: StatementKind; actor: Actor; body: unknown },
    now = new Date(),
  ): Promise<CaseStatementDocument> {
    const { referralId, kind, actor } = input;
    return audited(this.audit, actorRef(actor), `case.${kind}.create`, referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const body = (input.body ?? {}) as NewStatementRequest;
      const recordedAt = body.recordedAt !== undefined ? readableDate(body.recordedAt) : now;
      const problems = withRuleProblems(
        newStatementProblems(input.body),
        statementProblems(kind, statementInput(body.text, recordedAt, body.status), now),
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const status = (body.status ?? 'active') as StatementStatus;
      const statement: CaseStatementDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: actor.organisationId,
        kind,
        text: body.text,
        status,
        recordedAt: recordedAt ?? now,
        ...(status !== 'active' ? { statusChangedAt: now } : {}),
        author: caseAuthorOf(actor),
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.statements.insert(statement);
      return statement;
    });
  }
}
