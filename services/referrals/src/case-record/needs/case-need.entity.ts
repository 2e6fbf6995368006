import type { CaseAuthor } from '../domain/case-author';

/**
 * One need of the case's working list, from when it was added until it was resolved (collection
 * `case_needs`). A code resolved and later raised again is a new entry. Codes only, no free text.
 */
export interface CaseNeedDocument {
  _id: string;
  referralId: string;
  organisationId: string;
  /** Need taxonomy code or SNOMED CT concept id. */
  code: string;
  addedAt: Date;
  addedBy: CaseAuthor;
  resolvedAt?: Date;
  resolvedBy?: CaseAuthor;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}
