import { Injectable } from '@nestjs/common';
import { DomainError } from '@sp/errors';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import type { ReferralDocument } from '../referral.entity';
import { ReferralRepository } from '../referral.repository';

/** A practice reads only its own referrals; ops reads all. Every read (and refusal) is audited. */
@Injectable()
export class GetReferralUseCase {
  constructor(
    private readonly referrals: ReferralRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async execute(id: string, actor: Actor): Promise<ReferralDocument> {
    const referral = await this.referrals.findById(id);
    if (!referral) throw new DomainError('REFERRAL.NOT_FOUND', `Referral ${id} not found`, { status: 404 });
    const allowed = actor.role === 'ops' || referral.requesterOrganisationId === actor.organisationId;
    await this.audit.record({
      actor: { clientId: actor.clientId, organisationId: actor.organisationId, role: actor.role },
      action: 'referral.read',
      referralId: id,
      outcome: allowed ? 'allowed' : 'denied',
    });
    if (!allowed) {
      throw new DomainError('AUTH.FORBIDDEN', 'This referral belongs to another organisation', {
        status: 403,
      });
    }
    return referral;
  }
}
