import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import { changeableEntry } from '../../domain/entry-change';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import { actionChangeProblems, planNextDueAt, type ActionChange } from '../../domain/support-plan.rules';
import type { PlanActionDocument } from '../plan-action.entity';
import type { PlanActionRepository } from '../plan-action.repository';

export interface ChangeActionInput {
  referralId: string;
  actionId: string;
  actor: Actor;
  /** The well-formed change (see plan-action.request.ts): at least one field. */
  change: ActionChange;
  /** If-Match (412 when the action changed since). */
  expectedVersion?: number;
}

/**
 * Changes an action's status (validated moves), due date or description: its author or a team
 * lead. The action and the referral's `planNextDueAt` change in one transaction held against
 * consent withdrawal (CaseRecordTransaction).
 */
export class ChangeActionUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly actions: Pick<PlanActionRepository, 'findOne' | 'change' | 'forReferrals'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly referrals: Pick<ReferralRepository, 'setPlanNextDueAt'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: ChangeActionInput, now = new Date()): Promise<PlanActionDocument> {
    const { referralId, actor, change } = input;
    return audited(this.audit, actorRef(actor), 'case.plan-action.update', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const current = changeableEntry(
        'plan action',
        input.actionId,
        await this.actions.findOne(referral._id, input.actionId),
        actor,
        input.expectedVersion,
      );
      const problems = actionChangeProblems(current, change);
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const closing =
        change.status !== undefined &&
        change.status !== current.status &&
        (change.status === 'done' || change.status === 'cancelled');
      const set: Partial<PlanActionDocument> = {
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.dueDate !== undefined ? { dueDate: change.dueDate } : {}),
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(closing ? { closedAt: now } : {}),
        updatedAt: now,
        updatedBy: caseAuthorOf(actor),
      };
      return this.tx.run(referral._id, async (session) => {
        const after = await this.actions.change(current._id, current.version, set, session);
        if (!after) throw CaseRecordErrors.versionMismatch(current.version, current.version + 1);
        const all = await this.actions.forReferrals([referral._id], session);
        await this.referrals.setPlanNextDueAt(referral._id, planNextDueAt(all), session);
        return after;
      });
    });
  }
}
