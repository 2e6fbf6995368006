import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import { changeableEntry } from '../../domain/entry-change';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import type { CaseNoteDocument } from '../note.entity';
import type { NoteRepository } from '../note.repository';

export interface EditNoteInput {
  referralId: string;
  noteId: string;
  actor: Actor;
  text: string;
  /** If-Match (412 when the note changed since). */
  expectedVersion?: number;
}

/** Replaces a note's text (its author or a team lead). */
export class EditNoteUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly notes: Pick<NoteRepository, 'findOne' | 'edit'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: EditNoteInput, now = new Date()): Promise<CaseNoteDocument> {
    return audited(this.audit, actorRef(input.actor), 'case.note.update', input.referralId, async () => {
      const { referral } = await this.gate.open(input.referralId, input.actor, 'write');
      const note = changeableEntry(
        'note',
        input.noteId,
        await this.notes.findOne(referral._id, input.noteId),
        input.actor,
        input.expectedVersion,
      );
      const change = { text: input.text, updatedAt: now, updatedBy: caseAuthorOf(input.actor) };
      const after = await this.tx.run(referral._id, (session) =>
        this.notes.edit(referral._id, note._id, note.version, change, session),
      );
      if (!after) throw CaseRecordErrors.versionMismatch(note.version, note.version + 1);
      return after;
    });
  }
}
