import type { CaseAuthor } from '../domain/case-author';
import type { CaseNoteDocument } from './note.entity';

export interface CaseNoteView {
  id: string;
  referralId: string;
  text?: string;
  by: CaseAuthor;
  updatedBy?: CaseAuthor;
  createdAt: string;
  updatedAt: string;
  version: number;
  redactedAt?: string;
}

export function toNoteView(n: CaseNoteDocument): CaseNoteView {
  return {
    id: n._id,
    referralId: n.referralId,
    ...(n.text !== undefined ? { text: n.text } : {}),
    by: n.author,
    ...(n.updatedBy ? { updatedBy: n.updatedBy } : {}),
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    version: n.version,
    ...(n.redactedAt ? { redactedAt: n.redactedAt.toISOString() } : {}),
  };
}
