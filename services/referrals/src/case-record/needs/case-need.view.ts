import type { CaseAuthor } from '../domain/case-author';
import type { CaseNeedDocument } from './case-need.entity';

export interface CaseNeedView {
  id: string;
  referralId: string;
  code: string;
  status: 'active' | 'resolved';
  addedAt: string;
  addedBy: CaseAuthor;
  resolvedAt?: string;
  resolvedBy?: CaseAuthor;
  version: number;
}

export function toNeedView(n: CaseNeedDocument): CaseNeedView {
  return {
    id: n._id,
    referralId: n.referralId,
    code: n.code,
    status: n.resolvedAt ? 'resolved' : 'active',
    addedAt: n.addedAt.toISOString(),
    addedBy: n.addedBy,
    ...(n.resolvedAt ? { resolvedAt: n.resolvedAt.toISOString() } : {}),
    ...(n.resolvedBy ? { resolvedBy: n.resolvedBy } : {}),
    version: n.version,
  };
}
