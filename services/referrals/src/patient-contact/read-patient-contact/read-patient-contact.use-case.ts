import { DomainError, ErrorCodes } from '@sp/errors';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { ReferralErrors } from '../../referrals/referral-errors';
import type { ReferralRepository } from '../../referrals/referral.repository';
import {
  contactConsent,
  mayReadPatientContact,
  type ContactConsent,
  type PatientContactPurpose,
} from '../domain/patient-contact-access';

/** What a platform component needs to tell the patient, and whether it may. */
export interface PatientContactView {
  referralId: string;
  /** UK mobile in E.164, when the referrer gave one (absent once consent is withdrawn). */
  phone?: string;
  email?: string;
  doNotContact: boolean;
  consent: ContactConsent;
}

export interface ReadPatientContactInput {
  referralId: string;
  actor: Actor & { scopes: string[] };
  purpose: PatientContactPurpose;
}

/**
 * The patient's contact details for one referral, read by a platform component at the moment it
 * notifies the patient (notifications never keeps them). Every read, allowed or refused, is in
 * the audit log with the caller, the referral and the purpose.
 */
export class ReadPatientContactUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'findById'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly allowedClientIds: readonly string[],
  ) {}

  async execute(input: ReadPatientContactInput): Promise<PatientContactView> {
    const { referralId, actor, purpose } = input;
    const allowed = mayReadPatientContact(
      {
        clientId: actor.clientId,
        role: actor.role,
        scopes: actor.scopes,
        ...(actor.person ? { personSub: actor.person.sub } : {}),
      },
      this.allowedClientIds,
    );
    const entry = { actor: actorRef(actor), action: 'referral.patient-contact.read', referralId, purpose };
    if (!allowed) {
      const error = new DomainError(
        ErrorCodes.AUTH_FORBIDDEN,
        "Only the platform's notifications service may read patients' contact details",
        {
          status: 403,
        },
      );
      await this.audit.record({ ...entry, outcome: 'refused', code: error.code });
      throw error;
    }
    const referral = await this.referrals.findById(referralId);
    if (!referral) {
      const error = ReferralErrors.notFound(referralId);
      await this.audit.record({ ...entry, outcome: 'denied', code: error.code });
      throw error;
    }
    const contact = referral.patientContact;
    await this.audit.record({ ...entry, outcome: 'allowed' });
    return {
      referralId,
      ...(contact?.mobilePhone ? { phone: contact.mobilePhone } : {}),
      ...(contact?.email ? { email: contact.email } : {}),
      doNotContact: referral.doNotContact,
      consent: contactConsent(referral.consent),
    };
  }
}
