import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordSection } from '../../read-case-record/case-record-section';
import type { PlanActionRepository } from '../plan-action.repository';
import { toActionView, type PlanActionView } from '../plan-action.view';

export interface PlanView {
  referralId: string;
  /** End of the earliest due day of an open action (the referral's planNextDueAt). */
  nextDueAt?: string;
  actions: PlanActionView[];
}

/** The support plan: every action, oldest first, and when the next one is due. */
export class ReadPlanUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly actions: Pick<PlanActionRepository, 'forReferrals'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<PlanView> {
    return audited(this.audit, actorRef(actor), 'case.plan.read', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      const actions = await this.actions.forReferrals([referral._id]);
      return {
        referralId: referral._id,
        ...(referral.planNextDueAt ? { nextDueAt: referral.planNextDueAt.toISOString() } : {}),
        actions: actions.map(toActionView),
      };
    });
  }
}

/** Section `plan` of the whole record (the actions). */
export class PlanSection implements CaseRecordSection {
  readonly name = 'plan';
  constructor(private readonly actions: Pick<PlanActionRepository, 'forReferrals'>) {}

  async forReferral(referralId: string): Promise<unknown> {
    return { actions: (await this.actions.forReferrals([referralId])).map(toActionView) };
  }
}
