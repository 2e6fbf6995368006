import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf, mayEditEntry } from '../../domain/case-author';
import { withRuleProblems } from '../../domain/field-problems';
import { actionChangeProblems, planNextDueAt, readableChange } from '../../domain/support-plan.rules';
import type { PlanActionDocument } from '../plan-action.entity';
import type { PlanActionRepository } from '../plan-action.repository';
import { actionChangeRequest, type ActionChangeRequest } from '../plan-action.request';

export interface ChangeActionInput {
  referralId: string;
  actionId: string;
  actor: Actor;
  body: unknown;
  /** If-Match (412 when the action changed since). */
  expectedVersion?: number;
}

/**
 * Changes an action's status (validated moves), due date or description: its author or a team
 * lead. The action and the referral's `planNextDueAt` change in one transaction.
 */
export class ChangeActionUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly actions: Pick<PlanActionRepository, 'findOne' | 'change' | 'forReferrals'>,
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'setPlanNextDueAt'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: ChangeActionInput, now = new Date()): Promise<PlanActionDocument> {
    const { referralId, actor } = input;
    return audited(this.audit, actorRef(actor), 'case.plan-action.update', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const current = await this.actions.findOne(referral._id, input.actionId);
      if (!current) throw CaseRecordErrors.entryNotFound('plan action', input.actionId);
      if (!mayEditEntry(current.author, actor)) throw CaseRecordErrors.notAuthor();
      if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
        throw CaseRecordErrors.versionMismatch(input.expectedVersion, current.version);
      const body = (input.body ?? {}) as ActionChangeRequest;
      const problems = withRuleProblems(
        actionChangeRequest.problems(input.body ?? {}),
        actionChangeProblems(current, readableChange(body)),
      );
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const closing =
        body.status !== undefined &&
        body.status !== current.status &&
        (body.status === 'done' || body.status === 'cancelled');
      const set: Partial<PlanActionDocument> = {
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.dueDate !== undefined ? { dueDate: body.dueDate } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(closing ? { closedAt: now } : {}),
        updatedAt: now,
        updatedBy: caseAuthorOf(actor),
      };
      return this.referrals.inTransaction(async (session) => {
        const after = await this.actions.change(current._id, current.version, set, session);
        if (!after) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
        const all = await this.actions.forReferrals([referral._id], session);
        await this.referrals.setPlanNextDueAt(referral._id, planNextDueAt(all), session);
        return after;
      });
    });
  }
}
