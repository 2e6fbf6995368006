import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '@sp/persistence';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf, mayEditEntry } from '../../domain/case-author';
import { needDecision, type NeedStatus } from '../../domain/case-need.rules';
import type { CaseNeedDocument } from '../case-need.entity';
import type { CaseNeedRepository } from '../case-need.repository';

const alreadyActive = (code: string) =>
  CaseRecordErrors.invalid([
    { field: 'code', code: 'already_active', message: `${code} is already an active need of this case` },
  ]);

export interface RecordNeedInput {
  referralId: string;
  actor: Actor;
  /** The well-formed body (see record-need.request.ts). */
  code: string;
  status: NeedStatus;
  at?: Date;
}

/**
 * Adds a coded need to the case's working list, or resolves an active one (resolving changes the
 * entry: its author or a team lead). 422 naming each field for an unknown code, a time in the
 * future, a code already active or not active. The referral's intake needs are left as they are.
 * Each write is held against consent withdrawal (CaseRecordTransaction).
 */
export class RecordNeedUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly needs: Pick<CaseNeedRepository, 'insertActive' | 'findActive' | 'resolve'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: RecordNeedInput, now = new Date()): Promise<{ need: CaseNeedDocument; created: boolean }> {
    const { referralId, actor, code } = input;
    return audited(this.audit, actorRef(actor), 'case.need.record', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const active = await this.needs.findActive(referral._id, code);
      const result = needDecision(
        { code, status: input.status, ...(input.at !== undefined ? { at: input.at } : {}) },
        active ?? undefined,
        now,
      );
      if ('problems' in result) throw CaseRecordErrors.invalid(result.problems);
      const { decision } = result;
      if (decision.kind === 'add') {
        const need: CaseNeedDocument = {
          _id: randomUUID(),
          referralId: referral._id,
          organisationId: actor.organisationId,
          code,
          addedAt: decision.at,
          addedBy: caseAuthorOf(actor),
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        try {
          await this.tx.run(referral._id, (session) => this.needs.insertActive(need, session));
        } catch (error) {
          if (isDuplicateKeyError(error)) throw alreadyActive(code);
          throw error;
        }
        return { need, created: true };
      }
      const current = active!;
      if (!mayEditEntry(current.addedBy, actor)) throw CaseRecordErrors.notAuthor();
      const resolved = await this.tx.run(referral._id, (session) =>
        this.needs.resolve(current, { at: decision.at, by: caseAuthorOf(actor), now }, session),
      );
      if (!resolved) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
      return { need: resolved, created: false };
    });
  }
}
