import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import { changeableEntry } from '../../domain/entry-change';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import type { NoteRepository } from '../note.repository';

export interface DeleteNoteInput {
  referralId: string;
  noteId: string;
  actor: Actor;
  expectedVersion?: number;
}

/**
 * Deletes a note (its author or a team lead): kept, marked deleted, for the audit trail; no read
 * shows it again. Consent withdrawal still removes its text.
 */
export class DeleteNoteUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly notes: Pick<NoteRepository, 'findOne' | 'softDelete'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: DeleteNoteInput, now = new Date()): Promise<void> {
    return audited(this.audit, actorRef(input.actor), 'case.note.delete', input.referralId, async () => {
      const { referral } = await this.gate.open(input.referralId, input.actor, 'write');
      const note = changeableEntry(
        'note',
        input.noteId,
        await this.notes.findOne(referral._id, input.noteId),
        input.actor,
        input.expectedVersion,
      );
      const by = caseAuthorOf(input.actor);
      const deleted = await this.tx.run(referral._id, (session) =>
        this.notes.softDelete(referral._id, note._id, note.version, now, by, session),
      );
      if (!deleted) throw CaseRecordErrors.versionMismatch(note.version, note.version + 1);
    });
  }
}
