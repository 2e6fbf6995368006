import type { Party } from './task-lifecycle';

/**
 * Who a caller is to a referral. A practice is the requester of its own referrals; the
 * organisation running the target service is the receiver (FHIR Task.owner); ops is ops. A caller
 * that is none of these (and may not claim an open referral) is not told the referral exists.
 */
export interface AccessActor {
  organisationId: string;
  role: 'referrer' | 'link-worker' | 'provider' | 'ops';
}

export interface AccessReferral {
  requesterOrganisationId: string;
  ownerOrganisationId?: string;
}

export function partiesOf(referral: AccessReferral, actor: AccessActor): Party[] {
  if (actor.role === 'ops') return ['ops'];
  const parties: Party[] = [];
  if (referral.requesterOrganisationId === actor.organisationId) parties.push('requester');
  if (referral.ownerOrganisationId !== undefined && referral.ownerOrganisationId === actor.organisationId)
    parties.push('receiver');
  return parties;
}

/** Roles that receive referrals and so may claim open ones. */
export function mayClaim(actor: AccessActor): boolean {
  return actor.role === 'provider' || actor.role === 'link-worker';
}
