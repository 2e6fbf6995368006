import type { FieldProblem } from '@sp/errors';
import {
  ageBandOf,
  ETHNIC_CATEGORIES,
  SEX_CODES,
  type EthnicCategory,
  type ReferralSubmittedV2Data,
  type SexCode,
} from '@sp/contracts';
import { compactPostcode } from './postcode';
import { ageOn } from './service-eligibility';

/**
 * The patient's optional demographics at intake (sex, postcode, ethnic category) and the coarse
 * population codes derived from them for analytics. The demographics are patient data and stay in
 * this service; only the codes (age band, sex, IMD decile, ethnic category) leave it, in events.
 */

/** The codes a referral's events carry (referral.submitted v2, referral.refused v1). */
export type PopulationCodes = ReferralSubmittedV2Data['population'];

export interface Demographics {
  birthDate: string;
  sex?: string;
  postcode?: string;
  ethnicCategory?: string;
}

export function isSexCode(value: string): value is SexCode {
  return (SEX_CODES as readonly string[]).includes(value);
}

export function isEthnicCategory(value: string): value is EthnicCategory {
  return (ETHNIC_CATEGORIES as readonly string[]).includes(value);
}

/** Every bad optional demographic, named by its field (`patient.sex`, ...). */
export function demographicProblems(patient: Omit<Demographics, 'birthDate'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (patient.sex !== undefined && !isSexCode(patient.sex)) {
    problems.push({
      field: 'patient.sex',
      code: 'unknown_code',
      message: `Sex is one of ${SEX_CODES.join(', ')} (FHIR AdministrativeGender)`,
    });
  }
  if (patient.postcode !== undefined && compactPostcode(patient.postcode) === null) {
    problems.push({
      field: 'patient.postcode',
      code: 'invalid_format',
      message: 'Not a UK postcode (e.g. "TS1 1AA")',
    });
  }
  if (patient.ethnicCategory !== undefined && !isEthnicCategory(patient.ethnicCategory)) {
    problems.push({
      field: 'patient.ethnicCategory',
      code: 'unknown_code',
      message: `"${patient.ethnicCategory}" is not an NHS ethnic category code (A-S, Z or 99)`,
    });
  }
  return problems;
}

/**
 * The population codes of a referral submitted at `at`: the age band on that day, the sex given
 * (unknown when not given), the IMD decile found for the postcode (absent when there is none) and
 * the ethnic category when given. Expects demographics that passed demographicProblems.
 */
export function populationCodes(
  patient: Demographics,
  imdDecile: number | undefined,
  at: Date,
): PopulationCodes {
  const sex = patient.sex !== undefined && isSexCode(patient.sex) ? patient.sex : 'unknown';
  const ethnic =
    patient.ethnicCategory !== undefined && isEthnicCategory(patient.ethnicCategory)
      ? patient.ethnicCategory
      : undefined;
  return {
    ageBand: ageBandOf(Math.max(0, ageOn(patient.birthDate, at))),
    sex,
    ...(imdDecile !== undefined ? { imdDecile } : {}),
    ...(ethnic !== undefined ? { ethnicCategory: ethnic } : {}),
  };
}
