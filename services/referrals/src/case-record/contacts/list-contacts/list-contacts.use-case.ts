import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseContactDocument } from '../contact.entity';
import type { ContactRepository } from '../contact.repository';

/** The referral's contacts, oldest first (the owning organisation; read-only after withdrawal). */
export class ListContactsUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly contacts: Pick<ContactRepository, 'forReferral'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<CaseContactDocument[]> {
    return audited(this.audit, actorRef(actor), 'case.contact.list', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      return this.contacts.forReferral(referral._id);
    });
  }
}
