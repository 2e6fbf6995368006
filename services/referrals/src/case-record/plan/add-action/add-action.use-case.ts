import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf } from '../../domain/case-author';
import { withRuleProblems } from '../../domain/field-problems';
import {
  newActionProblems,
  planNextDueAt,
  readableAction,
  type NewAction,
} from '../../domain/support-plan.rules';
import type { PlanActionDocument } from '../plan-action.entity';
import type { PlanActionRepository } from '../plan-action.repository';
import { newActionRequest, type NewActionRequest } from '../plan-action.request';

/**
 * Adds an action to the support plan. The action and the referral's `planNextDueAt` are written
 * in one transaction, so the caseload's overdue filter never sees one without the other.
 */
export class AddActionUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly actions: Pick<PlanActionRepository, 'insert' | 'forReferrals'>,
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'setPlanNextDueAt'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(
    input: { referralId: string; actor: Actor; body: unknown },
    now = new Date(),
  ): Promise<PlanActionDocument> {
    const { referralId, actor } = input;
    return audited(this.audit, actorRef(actor), 'case.plan-action.create', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const body = (input.body ?? {}) as NewActionRequest;
      const fields: NewAction = {
        description: body.description,
        owner: body.owner,
        dueDate: body.dueDate,
        status: body.status,
        ...(body.onwardReferralId !== undefined ? { onwardReferralId: body.onwardReferralId } : {}),
      };
      const problems = withRuleProblems(
        newActionRequest.problems(input.body ?? {}),
        newActionProblems(readableAction(fields), now, referral.childReferralIds),
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const action: PlanActionDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: actor.organisationId,
        ...fields,
        ...(fields.status === 'done' || fields.status === 'cancelled' ? { closedAt: now } : {}),
        author: caseAuthorOf(actor),
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.referrals.inTransaction(async (session) => {
        await this.actions.insert(action, session);
        const all = await this.actions.forReferrals([referral._id], session);
        await this.referrals.setPlanNextDueAt(referral._id, planNextDueAt(all), session);
      });
      return action;
    });
  }
}
