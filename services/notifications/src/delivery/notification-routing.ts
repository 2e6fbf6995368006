import type { Recipient } from './delivery.job';

/** The fields of a referral lifecycle event that decide who hears about it. */
export interface RoutableEvent {
  requesterOrganisationId: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  actor?: { organisationId: string };
}

/** The receiving side: the owner when known, else whoever runs the target service; nobody for an open referral. */
function receiver(e: RoutableEvent): Recipient[] {
  if (e.ownerOrganisationId) return [{ organisationId: e.ownerOrganisationId }];
  if (e.targetServiceId) return [{ serviceId: e.targetServiceId }];
  return [];
}

/**
 * Who is told about each referral event: the closed loop. New referrals and reminders go to the
 * receiving side; every answer and outcome goes back to the referrer; a cancellation goes to the
 * side that did not make it. Never the party that made the change.
 */
export function recipientsFor(kind: string, e: RoutableEvent): Recipient[] {
  const requester: Recipient[] = [{ organisationId: e.requesterOrganisationId }];
  switch (kind) {
    case 'referral.submitted':
    case 'referral.reminder-due':
      return receiver(e);
    case 'referral.accepted':
    case 'referral.rejected':
    case 'referral.expired':
    case 'referral.started':
    case 'referral.put-on-hold':
    case 'referral.resumed':
    case 'referral.completed':
    case 'referral.failed':
      return requester.filter((r) => !sameOrganisation(r, e.actor));
    case 'referral.cancelled':
    case 'referral.entered-in-error':
      return [...requester, ...receiver(e)].filter((r) => !sameOrganisation(r, e.actor));
    default:
      return [];
  }
}

function sameOrganisation(r: Recipient, actor?: { organisationId: string }): boolean {
  return actor !== undefined && 'organisationId' in r && r.organisationId === actor.organisationId;
}
