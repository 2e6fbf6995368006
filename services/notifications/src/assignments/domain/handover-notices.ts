// Who hears about an assignment change within the owning team: the worker who now holds the
// referral ("assigned"), and on a handover also the worker who held it ("handed over"). Never the
// person who made the change (a worker taking a referral themselves needs no notice), nobody on
// an unassignment (the team's unassigned list shows it). Pure: no framework.
import type { ReferralAssignedV1Data } from '@sp/contracts';

export const ASSIGNED_KIND = 'referral.assigned';
export const HANDED_OVER_KIND = 'referral.handed-over';

export interface HandoverNotice {
  kind: typeof ASSIGNED_KIND | typeof HANDED_OVER_KIND;
  personSub: string;
}

export function handoverNotices(
  e: Pick<ReferralAssignedV1Data, 'action' | 'assigneeSub' | 'previousAssigneeSub' | 'assignedBySub'>,
): HandoverNotice[] {
  if (e.action === 'unassigned') return [];
  const notices: HandoverNotice[] = [];
  if (e.assigneeSub) notices.push({ kind: ASSIGNED_KIND, personSub: e.assigneeSub });
  if (e.action === 'reassigned' && e.previousAssigneeSub && e.previousAssigneeSub !== e.assigneeSub) {
    notices.push({ kind: HANDED_OVER_KIND, personSub: e.previousAssigneeSub });
  }
  return notices.filter((n) => n.personSub !== e.assignedBySub);
}
