import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '@sp/persistence';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf, mayEditEntry } from '../../domain/case-author';
import { needDecision } from '../../domain/case-need.rules';
import type { CaseNeedDocument } from '../case-need.entity';
import type { CaseNeedRepository } from '../case-need.repository';
import { recordNeedRequest, type RecordNeedRequest } from './record-need.request';

const alreadyActive = (code: string) =>
  CaseRecordErrors.invalid([
    { field: 'code', code: 'already_active', message: `${code} is already an active need of this case` },
  ]);

/**
 * Adds a coded need to the case's working list, or resolves an active one (resolving changes the
 * entry: its author or a team lead). The referral's intake needs are left as they are.
 */
export class RecordNeedUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly needs: Pick<CaseNeedRepository, 'insertActive' | 'findActive' | 'resolve'>,
    private readonly referrals: Pick<ReferralRepository, 'inTransaction'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(
    input: { referralId: string; actor: Actor; body: unknown },
    now = new Date(),
  ): Promise<{ need: CaseNeedDocument; created: boolean }> {
    const { referralId, actor } = input;
    return audited(this.audit, actorRef(actor), 'case.need.record', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const shape = recordNeedRequest.problems(input.body ?? {});
      if (shape.length > 0) {
        // Name the code's and the time's problems too when their shape is right.
        const b = (input.body ?? {}) as Partial<RecordNeedRequest>;
        const named = new Set(shape.map((p) => p.field));
        const more =
          typeof b.code === 'string' && !named.has('code')
            ? needDecision({ code: b.code, status: 'active' }, undefined, now)
            : undefined;
        throw CaseRecordErrors.invalid([
          ...shape,
          ...(more && 'problems' in more ? more.problems.filter((p) => !named.has(p.field)) : []),
        ]);
      }
      const body = input.body as RecordNeedRequest;
      const active = await this.needs.findActive(referral._id, body.code);
      const result = needDecision(
        { code: body.code, status: body.status, ...(body.at !== undefined ? { at: new Date(body.at) } : {}) },
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
          code: body.code,
          addedAt: decision.at,
          addedBy: caseAuthorOf(actor),
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        try {
          await this.referrals.inTransaction((session) => this.needs.insertActive(need, session));
        } catch (error) {
          if (isDuplicateKeyError(error)) throw alreadyActive(body.code);
          throw error;
        }
        return { need, created: true };
      }
      const current = active!;
      if (!mayEditEntry(current.addedBy, actor)) throw CaseRecordErrors.notAuthor();
      const resolved = await this.referrals.inTransaction((session) =>
        this.needs.resolve(current, { at: decision.at, by: caseAuthorOf(actor), now }, session),
      );
      if (!resolved) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
      return { need: resolved, created: false };
    });
  }
}
