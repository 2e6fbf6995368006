import type { CaseAuthor } from '../domain/case-author';
import type { ActionOwner } from '../domain/support-plan.rules';
import type { PlanActionDocument } from './plan-action.entity';

export interface PlanActionView {
  id: string;
  referralId: string;
  description?: string;
  owner: ActionOwner;
  dueDate: string;
  status: string;
  closedAt?: string;
  onwardReferralId?: string;
  by: CaseAuthor;
  updatedBy?: CaseAuthor;
  createdAt: string;
  updatedAt: string;
  version: number;
  redactedAt?: string;
}

export function toActionView(a: PlanActionDocument): PlanActionView {
  return {
    id: a._id,
    referralId: a.referralId,
    ...(a.description !== undefined ? { description: a.description } : {}),
    owner: a.owner,
    dueDate: a.dueDate,
    status: a.status,
    ...(a.closedAt ? { closedAt: a.closedAt.toISOString() } : {}),
    ...(a.onwardReferralId !== undefined ? { onwardReferralId: a.onwardReferralId } : {}),
    by: a.author,
    ...(a.updatedBy ? { updatedBy: a.updatedBy } : {}),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
    ...(a.redactedAt ? { redactedAt: a.redactedAt.toISOString() } : {}),
  };
}
