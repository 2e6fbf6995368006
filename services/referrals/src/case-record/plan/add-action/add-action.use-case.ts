import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import { newActionProblems, planNextDueAt, type NewAction } from '../../domain/support-plan.rules';
import type { PlanActionDocument } from '../plan-action.entity';
import type { PlanActionRepository } from '../plan-action.repository';

/**
 * Adds an action to the support plan: 422 naming each rule it breaks (owner ids, due day, onward
 * referral), and nothing is stored. The action and the referral's `planNextDueAt` are written in
 * one transaction held against consent withdrawal (CaseRecordTransaction), so the caseload's
 * overdue filter never sees one without the other.
 */
export class AddActionUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly actions: Pick<PlanActionRepository, 'insert' | 'forReferrals'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly referrals: Pick<ReferralRepository, 'setPlanNextDueAt'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(
    input: { referralId: string; actor: Actor; action: NewAction },
    now = new Date(),
  ): Promise<PlanActionDocument> {
    const { referralId, actor, action: fields } = input;
    return audited(this.audit, actorRef(actor), 'case.plan-action.create', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const problems = newActionProblems(fields, now, referral.childReferralIds);
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
      await this.tx.run(referral._id, async (session) => {
        await this.actions.insert(action, session);
        const all = await this.actions.forReferrals([referral._id], session);
        await this.referrals.setPlanNextDueAt(referral._id, planNextDueAt(all), session);
      });
      return action;
    });
  }
}
