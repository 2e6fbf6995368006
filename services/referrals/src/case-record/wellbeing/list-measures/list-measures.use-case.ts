import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordSection } from '../../read-case-record/case-record-section';
import type { WellbeingMeasureDocument } from '../wellbeing-measure.entity';
import type { WellbeingMeasureRepository } from '../wellbeing-measure.repository';
import { toMeasureView } from '../wellbeing-measure.view';

/** The referral's wellbeing measures in the order taken. */
export class ListMeasuresUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly measures: Pick<WellbeingMeasureRepository, 'forReferral'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<WellbeingMeasureDocument[]> {
    return audited(this.audit, actorRef(actor), 'case.wellbeing-measure.list', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      return this.measures.forReferral(referral._id);
    });
  }
}

/** Section `wellbeing` of the whole record (the measures). */
export class WellbeingSection implements CaseRecordSection {
  readonly name = 'wellbeing';
  constructor(private readonly measures: Pick<WellbeingMeasureRepository, 'forReferral'>) {}

  async forReferral(referralId: string): Promise<unknown> {
    return (await this.measures.forReferral(referralId)).map(toMeasureView);
  }
}
