import type { CaseAuthor } from '../domain/case-author';
import type { CaseStatementDocument } from './case-statement.entity';

export interface CaseStatementView {
  id: string;
  referralId: string;
  kind: string;
  text?: string;
  status: string;
  recordedAt: string;
  statusChangedAt?: string;
  by: CaseAuthor;
  updatedBy?: CaseAuthor;
  createdAt: string;
  updatedAt: string;
  version: number;
  redactedAt?: string;
}

export function toStatementView(s: CaseStatementDocument): CaseStatementView {
  return {
    id: s._id,
    referralId: s.referralId,
    kind: s.kind,
    ...(s.text !== undefined ? { text: s.text } : {}),
    status: s.status,
    recordedAt: s.recordedAt.toISOString(),
    ...(s.statusChangedAt ? { statusChangedAt: s.statusChangedAt.toISOString() } : {}),
    by: s.author,
    ...(s.updatedBy ? { updatedBy: s.updatedBy } : {}),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
    ...(s.redactedAt ? { redactedAt: s.redactedAt.toISOString() } : {}),
  };
}
