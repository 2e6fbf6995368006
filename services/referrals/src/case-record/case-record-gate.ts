import type { Actor } from '../domain/referral-intake.rules';
import type { ReferralAccessPolicy } from '../referrals/referral-access.policy';
import { ReferralErrors } from '../referrals/referral-errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import { CaseRecordErrors } from './case-record.errors';
import { caseAccess, type CaseAccess } from './domain/case-access';

/**
 * The door of every case-record use case: loads the referral the caller may see (404 as for any
 * referral otherwise) and applies `caseAccess`: the referring practice 403
 * CASE_RECORD.FORBIDDEN, anyone else but the owning organisation 404, and a write after consent
 * withdrawal 409 CASE_RECORD.READ_ONLY.
 */
export class CaseRecordGate {
  constructor(private readonly access: Pick<ReferralAccessPolicy, 'load'>) {}

  async open(
    referralId: string,
    actor: Actor,
    need: 'read' | 'write',
  ): Promise<{ referral: ReferralDocument; access: Exclude<CaseAccess, 'forbidden' | 'not-found'> }> {
    const { referral } = await this.access.load(referralId, actor);
    const access = caseAccess(
      {
        requesterOrganisationId: referral.requesterOrganisationId,
        consentWithdrawn: referral.consent.withdrawnAt !== undefined,
        ...(referral.ownerOrganisationId !== undefined
          ? { ownerOrganisationId: referral.ownerOrganisationId }
          : {}),
      },
      actor,
    );
    if (access === 'not-found') throw ReferralErrors.notFound(referralId);
    if (access === 'forbidden') throw CaseRecordErrors.forbidden();
    if (need === 'write' && access === 'read') throw CaseRecordErrors.readOnly(referralId);
    return { referral, access };
  }
}
