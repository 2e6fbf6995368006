import type { CodedConcept } from '../../referrals/referral.entity';
import { SNOMED_CT } from '../fhir.constants';
import { isObject, RESOURCE_ELEMENTS, text, unknownElements, type Problems } from '../fhir-json';
import { readConcept } from './codeable-concept';
import { needsFromCategories, type DerivedNeeds } from './needs.reader';
import { checkSubject } from './patient.reader';
import { codings, type Located, type Scope } from './references';

/** FHIR R4 Condition elements (anything else is refused as a typo). */
export const CONDITION_ELEMENTS = [
  ...RESOURCE_ELEMENTS,
  'identifier',
  'clinicalStatus',
  'verificationStatus',
  'category',
  'severity',
  'code',
  'bodySite',
  'subject',
  'encounter',
  'onsetDateTime',
  'onsetAge',
  'onsetPeriod',
  'onsetRange',
  'onsetString',
  'abatementDateTime',
  'abatementAge',
  'abatementPeriod',
  'abatementRange',
  'abatementString',
  'recordedDate',
  'recorder',
  'asserter',
  'stage',
  'evidence',
  'note',
] as const;

/** Verification statuses saying the condition is not the patient's (a modifier element). */
const NOT_TRUE = ['refuted', 'entered-in-error'];

/**
 * A Condition given as a reason (Gravity SDOHCC Condition, a health concern): its code is stored,
 * its SNOMED CT codings and SDOH categories become needs. Returns undefined when it cannot be read.
 */
export function readCondition(
  c: Located,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
  needs: DerivedNeeds,
): CodedConcept | undefined {
  const { resource, path } = c;
  unknownElements(resource, CONDITION_ELEMENTS, path, problems);
  const verification = codings(resource.verificationStatus).map((x) => text(x.code));
  if (verification.some((v) => v !== undefined && NOT_TRUE.includes(v)))
    problems.add(
      `${path}.verificationStatus`,
      'value',
      'A refuted or entered-in-error Condition cannot be a reason for a referral',
    );
  checkSubject(resource.subject, `${path}.subject`, patient, scope, problems, 'The Condition');
  const code = readConcept(resource.code);
  if (!isObject(resource.code) || code === undefined || code.codings.length === 0) {
    problems.required(`${path}.code`, `The Condition needs a code (${SNOMED_CT}) saying what the need is`);
    return undefined;
  }
  codings(resource.code).forEach((coding, k) => {
    const value = text(coding.code);
    if (coding.system === SNOMED_CT && value !== undefined)
      needs.addSnomed(value, `${path}.code.coding[${k}].code`);
  });
  needsFromCategories(resource, path, problems, needs);
  return code;
}
