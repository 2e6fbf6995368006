import type { CaseAuthor } from '../domain/case-author';
import type { ActionOwner, ActionStatus } from '../domain/support-plan.rules';

/**
 * One action of the support plan agreed with the person (collection `case_plan_actions`).
 * Patient data: the description and the owner's display text are free text, removed on consent
 * withdrawal; codes, dates and statuses stay.
 */
export interface PlanActionDocument {
  _id: string;
  referralId: string;
  organisationId: string;
  /** Free text; removed on consent withdrawal. */
  description?: string;
  /** owner.display is free text, removed on consent withdrawal. */
  owner: ActionOwner;
  /** The UK calendar day it is due (YYYY-MM-DD). */
  dueDate: string;
  status: ActionStatus;
  /** When it became done or cancelled. */
  closedAt?: Date;
  /** The onward referral this action is (a child of the referral). */
  onwardReferralId?: string;
  author: CaseAuthor;
  updatedBy?: CaseAuthor;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  redactedAt?: Date;
}
