import type { CaseRecordSection } from '../read-case-record/case-record-section';
import { toNoteView, type CaseNoteView } from './note.view';
import type { NoteRepository } from './note.repository';

/** `notes` in the whole-record read (deleted notes not shown). */
export class NotesSection implements CaseRecordSection {
  readonly name = 'notes';
  constructor(private readonly notes: Pick<NoteRepository, 'forReferral'>) {}

  async forReferral(referralId: string): Promise<CaseNoteView[]> {
    return (await this.notes.forReferral(referralId)).map(toNoteView);
  }
}
