import type { ContactMethod } from '@sp/contracts';
import type { CaseAuthor } from '../domain/case-author';
import type { ContactOutcome } from './contact.rules';

/**
 * One contact (or attempt) with the patient, as recorded by the organisation holding the
 * referral. Patient data (the summary is free text): stays in this service, audited.
 */
export interface CaseContactDocument {
  _id: string;
  referralId: string;
  organisationId: string;
  author: CaseAuthor;
  /** When the contact happened (not when it was typed in). */
  at: Date;
  method: ContactMethod;
  outcome: ContactOutcome;
  /** Free text; removed on consent withdrawal. */
  summary?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Who made the latest correction (absent until corrected). */
  updatedBy?: CaseAuthor;
  /** Optimistic concurrency: incremented on every change (ETag / If-Match). */
  version: number;
  /** Set when consent withdrawal removed the free text. */
  redactedAt?: Date;
}
