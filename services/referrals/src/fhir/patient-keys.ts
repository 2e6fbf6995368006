import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { patientKeyFor } from '../domain/patient-key';
import type { ServiceConfig } from '../service.config';

/**
 * NHS number -> the pseudonymous patient key referrals are stored and searched by (the same HMAC
 * intake uses), for FHIR searches by patient (`subject:identifier`).
 */
export interface PatientKeys {
  keyFor(nhsNumber: string): string;
}

/** Nest injection token of PatientKeys. */
export const PATIENT_KEYS = Symbol('PATIENT_KEYS');

export const patientKeysProvider: Provider = {
  provide: PATIENT_KEYS,
  inject: [SERVICE_CONFIG],
  useFactory: (config: Partial<Pick<ServiceConfig, 'PATIENT_KEY_SECRET'>>): PatientKeys => ({
    keyFor(nhsNumber) {
      const secret = config.PATIENT_KEY_SECRET;
      if (!secret) throw new Error('PATIENT_KEY_SECRET is not configured');
      return patientKeyFor(nhsNumber, secret);
    },
  }),
};
