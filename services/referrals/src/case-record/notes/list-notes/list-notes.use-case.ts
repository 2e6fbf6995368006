import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseNoteDocument } from '../note.entity';
import type { NoteRepository } from '../note.repository';

/** The referral's notes (not deleted), oldest first. */
export class ListNotesUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly notes: Pick<NoteRepository, 'forReferral'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(referralId: string, actor: Actor): Promise<CaseNoteDocument[]> {
    return audited(this.audit, actorRef(actor), 'case.note.list', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'read');
      return this.notes.forReferral(referral._id);
    });
  }
}
