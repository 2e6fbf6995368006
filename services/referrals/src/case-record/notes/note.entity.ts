import type { CaseAuthor } from '../domain/case-author';

/**
 * A case note: free text about the patient, written by the organisation holding the referral.
 * Stored as given; never on Kafka, in notifications or in logs. Deleting keeps the note for the
 * audit trail (`deletedAt`) but no read shows it.
 */
export interface CaseNoteDocument {
  _id: string;
  referralId: string;
  organisationId: string;
  author: CaseAuthor;
  /** Free text; removed on consent withdrawal. */
  text?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Who made the latest change (absent until edited or deleted). */
  updatedBy?: CaseAuthor;
  version: number;
  deletedAt?: Date;
  redactedAt?: Date;
}
