import type { CaseAuthor } from '../domain/case-author';
import type { StatementKind, StatementStatus } from '../domain/case-statement.rules';

/**
 * A "what matters to me" statement or a concern, in the person's words as agreed with their
 * worker (collection `case_statements`). Patient data: stays in this service.
 */
export interface CaseStatementDocument {
  _id: string;
  referralId: string;
  /** The organisation holding the referral (whose people wrote it). */
  organisationId: string;
  kind: StatementKind;
  /** Free text, stored as given; removed on consent withdrawal. */
  text?: string;
  status: StatementStatus;
  /** When it was agreed with the person (defaults to when it was written). */
  recordedAt: Date;
  /** When the status last changed from active (achieved, resolved or no longer relevant). */
  statusChangedAt?: Date;
  author: CaseAuthor;
  /** Who made the latest change (absent until changed). */
  updatedBy?: CaseAuthor;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  redactedAt?: Date;
}
