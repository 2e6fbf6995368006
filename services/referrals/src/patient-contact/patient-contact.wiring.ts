import type { Provider, Type } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ReferralRepository } from '../referrals/referral.repository';
import type { ServiceConfig } from '../service.config';
import { PatientContactRedactor } from './patient-contact.redactor';
import { ReadPatientContactController } from './read-patient-contact/read-patient-contact.controller';
import { ReadPatientContactUseCase } from './read-patient-contact/read-patient-contact.use-case';

/**
 * Patient contact details: the internal API the notifications service reads them through, and
 * their removal on consent withdrawal (PatientContactRedactor, registered with the case record's
 * redactable parts in case-record.wiring.ts).
 */
export const patientContactControllers: Type<unknown>[] = [ReadPatientContactController];

export const patientContactProviders: Provider[] = [
  PatientContactRedactor,
  {
    provide: ReadPatientContactUseCase,
    inject: [ReferralRepository, AuditLogRepository, SERVICE_CONFIG],
    useFactory: (referrals: ReferralRepository, audit: AuditLogRepository, config: ServiceConfig) =>
      new ReadPatientContactUseCase(
        referrals,
        audit,
        config.PATIENT_CONTACT_READERS.split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
  },
];
