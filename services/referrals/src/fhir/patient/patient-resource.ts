import type { ReferralDocument, ReferralPatient } from '../../referrals/referral.entity';
import { ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM, NHS_NUMBER_SYSTEM } from '../fhir.constants';
import type { Patient } from '../fhir.types';

/**
 * The patient of a referral as a FHIR Patient. Its logical id is the pseudonymous patient key
 * (HMAC of the NHS number, 64 hex characters): stable for one patient across referrals, the value
 * of Task.for and Procedure.subject, and not reversible without the deployment's secret. The
 * details are those of the most recently changed referral the caller may see. Pure code.
 */

/** A patient key as a logical id (what GET /fhir/Patient/:id accepts). */
export const PATIENT_ID = /^[a-f0-9]{64}$/;

export function toPatient(doc: Pick<ReferralDocument, 'patient' | 'patientKey'>): Patient {
  return {
    resourceType: 'Patient',
    id: doc.patientKey,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: doc.patient.nhsNumber }],
    name: [{ family: doc.patient.familyName, given: doc.patient.givenName.split(' ') }],
    birthDate: doc.patient.birthDate,
    ...patientDemographics(doc.patient),
  };
}

/** Patient.gender, the home postcode and the UK Core ethnic category, when the referral holds them. */
export function patientDemographics(
  patient: ReferralPatient,
): Pick<Patient, 'gender' | 'address' | 'extension'> {
  const { sex, postcode, ethnicCategory } = patient;
  return {
    ...(sex !== undefined ? { gender: sex } : {}),
    ...(postcode !== undefined ? { address: [{ use: 'home' as const, postalCode: postcode }] } : {}),
    ...(ethnicCategory !== undefined
      ? {
          extension: [
            {
              url: ETHNIC_CATEGORY_EXTENSION,
              valueCodeableConcept: {
                coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code: ethnicCategory }],
              },
            },
          ],
        }
      : {}),
  };
}
