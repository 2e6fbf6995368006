import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { audited } from '../../referrals/audited';
import type { CaseRecordGate } from '../case-record-gate';
import type { CaseRecordSection } from './case-record-section';

export interface CaseRecordView {
  referralId: string;
  /** True after consent withdrawal: free text removed, record read-only. */
  readOnly: boolean;
  firstContactAt?: string;
  /** Then one key per registered section: contacts, notes, and part 2's. */
  [section: string]: unknown;
}

/** The whole case record of a referral in one read (audited as `case.read`). */
export class ReadCaseRecordUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly sections: readonly CaseRecordSection[],
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<CaseRecordView> {
    return audited(this.audit, actorRef(actor), 'case.read', referralId, async () => {
      const { referral, access } = await this.gate.open(referralId, actor, 'read');
      const parts = await Promise.all(
        this.sections.map(async (s) => [s.name, await s.forReferral(referral._id)] as const),
      );
      return {
        referralId: referral._id,
        readOnly: access === 'read',
        ...(referral.firstContactAt ? { firstContactAt: referral.firstContactAt.toISOString() } : {}),
        ...Object.fromEntries(parts),
      };
    });
  }
}
