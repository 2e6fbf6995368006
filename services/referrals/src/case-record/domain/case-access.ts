import type { Actor } from '../../domain/referral-intake.rules';

export interface CaseReferralFacts {
  requesterOrganisationId: string;
  ownerOrganisationId?: string;
  consentWithdrawn: boolean;
}

/**
 * What a caller may do with a referral's case record. The case record belongs to the
 * organisation that holds the referral (FHIR Task.owner): its people read and write it. The
 * referring practice sees that the referral exists but not the record ('forbidden', 403); anyone
 * else, ops included, is not told the referral exists ('not-found', 404). After consent
 * withdrawal the record is read-only ('read').
 */
export type CaseAccess = 'write' | 'read' | 'forbidden' | 'not-found';

export function caseAccess(referral: CaseReferralFacts, actor: Actor): CaseAccess {
  if (referral.ownerOrganisationId !== undefined && referral.ownerOrganisationId === actor.organisationId)
    return referral.consentWithdrawn ? 'read' : 'write';
  if (referral.requesterOrganisationId === actor.organisationId) return 'forbidden';
  return 'not-found';
}
