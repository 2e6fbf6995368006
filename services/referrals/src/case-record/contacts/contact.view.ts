import type { CaseAuthor } from '../domain/case-author';
import type { CaseContactDocument } from './contact.entity';

export interface CaseContactView {
  id: string;
  referralId: string;
  at: string;
  method: CaseContactDocument['method'];
  outcome: CaseContactDocument['outcome'];
  summary?: string;
  by: CaseAuthor;
  updatedBy?: CaseAuthor;
  createdAt: string;
  updatedAt: string;
  version: number;
  redactedAt?: string;
}

export function toContactView(c: CaseContactDocument): CaseContactView {
  return {
    id: c._id,
    referralId: c.referralId,
    at: c.at.toISOString(),
    method: c.method,
    outcome: c.outcome,
    ...(c.summary !== undefined ? { summary: c.summary } : {}),
    by: c.author,
    ...(c.updatedBy ? { updatedBy: c.updatedBy } : {}),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    ...(c.redactedAt ? { redactedAt: c.redactedAt.toISOString() } : {}),
  };
}
