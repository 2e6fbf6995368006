import type { Recipient } from './delivery.job';

/** The fields of a referral lifecycle event that decide who hears about it. */
export interface RoutableEvent {
  referralId?: string;
  requesterOrganisationId: string;
  parentReferralId?: string;
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

/** Outcomes of an onward referral that the organisation behind the first referral is told about. */
export const ONWARD_OUTCOME_KINDS: readonly string[] = [
  'referral.rejected',
  'referral.completed',
  'referral.failed',
  'referral.expired',
  'referral.cancelled',
];

/** The notice kind that tells the first referrer how an onward referral made from theirs ended. */
export const ONWARD_OUTCOME_KIND = 'referral.onward-outcome';

/**
 * The onward-outcome notice for an event, if any: when an onward referral (one with a parent) ends,
 * the organisation that made the first referral of the chain hears how (a GP hears how the
 * befriending their link worker arranged ended), unless it is a party to this one (told directly) or made the change.
 */
export function onwardOutcomeRecipient(kind: string, e: RoutableEvent): Recipient | undefined {
  if (!e.parentReferralId || !ONWARD_OUTCOME_KINDS.includes(kind)) return undefined;
  const except = [
    e.requesterOrganisationId,
    ...(e.ownerOrganisationId ? [e.ownerOrganisationId] : []),
    ...(e.actor ? [e.actor.organisationId] : []),
  ];
  return { rootRequesterOf: e.parentReferralId, except: [...new Set(except)] };
}
