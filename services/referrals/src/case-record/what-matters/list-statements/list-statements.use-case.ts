import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordSection } from '../../read-case-record/case-record-section';
import type { StatementKind } from '../../domain/case-statement.rules';
import type { CaseStatementDocument } from '../case-statement.entity';
import type { CaseStatementRepository } from '../case-statement.repository';
import { toStatementView } from '../case-statement.view';

/** The referral's statements of one kind, oldest first (readable after consent withdrawal, redacted). */
export class ListStatementsUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly statements: Pick<CaseStatementRepository, 'forReferral'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, kind: StatementKind, actor: Actor): Promise<CaseStatementDocument[]> {
    return audited(this.audit, actorRef(actor), `case.${kind}.list`, referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      return this.statements.forReferral(referral._id, kind);
    });
  }
}

/** A whole-record section (GET .../case-record) of one kind of statement. */
class StatementsSection implements CaseRecordSection {
  constructor(
    readonly name: string,
    private readonly kind: StatementKind,
    private readonly statements: Pick<CaseStatementRepository, 'forReferral'>,
  ) {}

  async forReferral(referralId: string): Promise<unknown> {
    return (await this.statements.forReferral(referralId, this.kind)).map(toStatementView);
  }
}

/** Section `whatMatters` of the whole record. */
export class WhatMattersSection extends StatementsSection {
  constructor(statements: Pick<CaseStatementRepository, 'forReferral'>) {
    super('whatMatters', 'what-matters', statements);
  }
}

/** Section `concerns` of the whole record. */
export class ConcernsSection extends StatementsSection {
  constructor(statements: Pick<CaseStatementRepository, 'forReferral'>) {
    super('concerns', 'concern', statements);
  }
}
