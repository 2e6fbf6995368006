import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { CaseAuthor } from '../domain/case-author';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { CaseNoteDocument } from './note.entity';

export const CASE_NOTES_COLLECTION = 'case_notes';

const MAX_NOTES_PER_REFERRAL = 1000;

/** The case record's notes (collection `case_notes`). Deleted notes are kept but never listed. */
@Injectable()
export class NoteRepository implements OnModuleInit, RedactablePart {
  private readonly notes: Collection<CaseNoteDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.notes = collectionOf<CaseNoteDocument>(connection, CASE_NOTES_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.notes.createIndex({ referralId: 1, createdAt: 1 }, { name: 'by_referral' });
  }

  async insert(note: CaseNoteDocument, session: ClientSession): Promise<void> {
    await this.notes.insertOne(note, { session });
  }

  /** The referral's notes not deleted, oldest first. */
  async forReferral(referralId: string): Promise<CaseNoteDocument[]> {
    return this.notes
      .find({ referralId, deletedAt: { $exists: false } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_NOTES_PER_REFERRAL)
      .toArray();
  }

  /** A note not deleted. */
  async findOne(referralId: string, noteId: string): Promise<CaseNoteDocument | null> {
    return this.notes.findOne({ _id: noteId, referralId, deletedAt: { $exists: false } });
  }

  /** New text if the note is still at `version` and not deleted; null otherwise. */
  async edit(
    referralId: string,
    noteId: string,
    version: number,
    change: { text: string; updatedAt: Date; updatedBy: CaseAuthor },
    session: ClientSession,
  ): Promise<CaseNoteDocument | null> {
    return this.notes.findOneAndUpdate(
      { _id: noteId, referralId, version, deletedAt: { $exists: false } },
      { $set: { ...change, version: version + 1 } },
      { returnDocument: 'after', session },
    );
  }

  /** Soft delete if the note is still at `version`; false when another writer changed it first. */
  async softDelete(
    referralId: string,
    noteId: string,
    version: number,
    at: Date,
    by: CaseAuthor,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.notes.updateOne(
      { _id: noteId, referralId, version, deletedAt: { $exists: false } },
      { $set: { deletedAt: at, updatedAt: at, updatedBy: by, version: version + 1 } },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /** Note text removed from every note (deleted ones too); authors and times kept. */
  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    await this.notes.updateMany(
      { referralId: { $in: referralIds }, redactedAt: { $exists: false } },
      { $unset: { text: '' }, $set: { redactedAt: now, updatedAt: now }, $inc: { version: 1 } },
      { session },
    );
  }
}
