import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordSection } from '../../read-case-record/case-record-section';
import type { CaseNeedRepository } from '../case-need.repository';
import { toNeedView, type CaseNeedView } from '../case-need.view';

export interface NeedsView {
  /** The referral's intake needs (what matching and events use; never changed by the case record). */
  intakeNeeds: string[];
  /** The case's working list, in the order added. */
  items: CaseNeedView[];
}

/** The case's coded needs over time, with the referral's intake needs beside them. */
export class ListNeedsUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly needs: Pick<CaseNeedRepository, 'forReferrals'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<NeedsView> {
    return audited(this.audit, actorRef(actor), 'case.need.list', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      const items = await this.needs.forReferrals([referral._id]);
      return { intakeNeeds: referral.needs, items: items.map(toNeedView) };
    });
  }
}

/** Section `needs` of the whole record (the working list). */
export class NeedsSection implements CaseRecordSection {
  readonly name = 'needs';
  constructor(private readonly needs: Pick<CaseNeedRepository, 'forReferrals'>) {}

  async forReferral(referralId: string): Promise<unknown> {
    return (await this.needs.forReferrals([referralId])).map(toNeedView);
  }
}
