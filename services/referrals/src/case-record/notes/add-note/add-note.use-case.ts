import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import type { CaseNoteDocument } from '../note.entity';
import type { NoteRepository } from '../note.repository';

/** Adds a case note (the organisation holding the referral, while consent stands). */
export class AddNoteUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly notes: Pick<NoteRepository, 'insert'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(
    input: { referralId: string; actor: Actor; text: string },
    now = new Date(),
  ): Promise<CaseNoteDocument> {
    return audited(this.audit, actorRef(input.actor), 'case.note.create', input.referralId, async () => {
      const { referral } = await this.gate.open(input.referralId, input.actor, 'write');
      const note: CaseNoteDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: input.actor.organisationId,
        author: caseAuthorOf(input.actor),
        text: input.text,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.tx.run(referral._id, (session) => this.notes.insert(note, session));
      return note;
    });
  }
}
