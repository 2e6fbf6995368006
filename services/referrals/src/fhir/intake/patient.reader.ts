import type { FieldExpressions } from '../field-expressions';
import { ELEMENTS } from '../fhir-elements';
import { NHS_NUMBER_SYSTEM } from '../fhir.constants';
import { isObject, list, text, unknownElements, type Json, type Problems } from '../fhir-json';
import { codings, DATE, identifierValue, type Located, type Scope } from './references';

/** FHIR Patient -> the referral's patient (NHS number, name, date of birth). */

export interface PatientFacts {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

export const NO_PATIENT: PatientFacts = { nhsNumber: '', givenName: '', familyName: '', birthDate: '' };

export function readPatient(p: Located, problems: Problems, expressions: FieldExpressions): PatientFacts {
  const { resource, path } = p;
  unknownElements(resource, ELEMENTS.Patient, path, problems);
  const nhs = identifierValue(resource.identifier, NHS_NUMBER_SYSTEM);
  expressions.set('patient', path);
  if (nhs) {
    expressions.set('patient.nhsNumber', `${path}.identifier[${nhs.index}].value`);
    checkVerificationStatus(resource, `${path}.identifier[${nhs.index}]`, nhs.index, problems);
  } else
    problems.required(
      `${path}.identifier`,
      `The patient needs an identifier with system ${NHS_NUMBER_SYSTEM}`,
    );

  const names = list(resource.name, `${path}.name`, problems);
  const nameIndex = Math.max(
    0,
    names.findIndex((n) => isObject(n) && n.use === 'official'),
  );
  const name = names[nameIndex];
  const namePath = `${path}.name[${nameIndex}]`;
  const familyName = isObject(name) ? text(name.family) : undefined;
  const givens = isObject(name) && Array.isArray(name.given) ? name.given.map(text).filter(Boolean) : [];
  const givenName = givens.length > 0 ? givens.join(' ') : undefined;
  expressions.set('patient.familyName', `${namePath}.family`);
  expressions.set('patient.givenName', `${namePath}.given`);
  if (!isObject(name)) problems.required(`${path}.name`, "The patient's name (family and given) is required");
  else {
    if (familyName === undefined)
      problems.required(`${namePath}.family`, "The patient's family name is required");
    if (givenName === undefined)
      problems.required(`${namePath}.given`, "The patient's given name is required");
  }

  const birthDate = text(resource.birthDate);
  expressions.set('patient.birthDate', `${path}.birthDate`);
  if (birthDate === undefined)
    problems.required(`${path}.birthDate`, "The patient's date of birth is required");
  else if (!DATE.test(birthDate) || Number.isNaN(Date.parse(`${birthDate}T00:00:00Z`)))
    problems.add(`${path}.birthDate`, 'value', 'The date of birth must be a full date (YYYY-MM-DD)');

  return {
    nhsNumber: nhs?.value ?? '',
    givenName: givenName ?? '',
    familyName: familyName ?? '',
    birthDate: birthDate ?? '',
  };
}

/** UK Core: how far the NHS number was verified (PDS trace), on the NHS number identifier. */
export const NHS_NUMBER_VERIFICATION_STATUS =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
export const NHS_NUMBER_VERIFICATION_STATUS_SYSTEM =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland';
/** Codes of UKCore-NHSNumberVerificationStatusEngland: 01 (present and verified) to 08. */
const VERIFICATION_CODE = /^0[1-8]$/;

/**
 * The UK Core verification-status extension is accepted on the NHS number identifier (any status:
 * the referral is made by the GP practice that holds the record); when sent it must be coded from
 * its England code system.
 */
function checkVerificationStatus(patient: Json, path: string, index: number, problems: Problems): void {
  const identifier = Array.isArray(patient.identifier) ? patient.identifier[index] : undefined;
  if (!isObject(identifier)) return;
  list(identifier.extension, `${path}.extension`, problems).forEach((ext, i) => {
    if (!isObject(ext) || ext.url !== NHS_NUMBER_VERIFICATION_STATUS) return;
    const coded = codings(ext.valueCodeableConcept).some(
      (c) => c.system === NHS_NUMBER_VERIFICATION_STATUS_SYSTEM && VERIFICATION_CODE.test(String(c.code)),
    );
    if (!coded)
      problems.add(
        `${path}.extension[${i}].valueCodeableConcept`,
        'code-invalid',
        `The NHS number verification status is a code 01-08 from ${NHS_NUMBER_VERIFICATION_STATUS_SYSTEM}`,
      );
  });
}

export function nhsNumberOf(resource: Json): string | undefined {
  return identifierValue(resource.identifier, NHS_NUMBER_SYSTEM)?.value;
}

/** True when `designated` is the referred patient (the same resource, or the same NHS number). */
export function samePatient(designated: Located, patient: Located): boolean {
  return (
    designated.resource === patient.resource ||
    nhsNumberOf(designated.resource) === nhsNumberOf(patient.resource)
  );
}

/** The Patient a reference designates: a resolvable reference, or an NHS number identifier matching a Patient sent alongside. */
export function resolvePatient(
  ref: unknown,
  path: string,
  scope: Scope,
  problems: Problems,
): Located | undefined {
  if (!isObject(ref)) {
    problems.required(path, 'A reference to the patient is required');
    return undefined;
  }
  const reference = text(ref.reference);
  if (reference !== undefined) {
    const found = scope.resolve(reference);
    if (found && found.resource.resourceType === 'Patient') return found;
    problems.add(
      `${path}.reference`,
      'value',
      `${reference} does not resolve to a Patient sent in this request`,
    );
    return undefined;
  }
  if (isObject(ref.identifier)) {
    const value = text(ref.identifier.value);
    if (ref.identifier.system !== NHS_NUMBER_SYSTEM || value === undefined) {
      problems.add(
        `${path}.identifier`,
        'value',
        `A patient identifier must use the system ${NHS_NUMBER_SYSTEM}`,
      );
      return undefined;
    }
    const found = scope.patients.find((p) => nhsNumberOf(p.resource) === value);
    if (found) return found;
    problems.add(
      path,
      'required',
      "The patient's name and date of birth are needed at intake: send the Patient (contained as #patient, or as a Bundle entry) with this NHS number",
    );
    return undefined;
  }
  problems.required(path, 'A reference or an NHS number identifier for the patient is required');
  return undefined;
}

/**
 * The subject of a resource sent with the referral (Condition, Goal) must be the referred patient:
 * a reference to that Patient, or its NHS number.
 */
export function checkSubject(
  ref: unknown,
  path: string,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
  what: string,
): void {
  if (ref === undefined || !patient) return;
  if (isObject(ref) && text(ref.reference) === undefined && isObject(ref.identifier)) {
    // By NHS number: the referred patient's own number, without sending the Patient again.
    const { system, value } = ref.identifier;
    if (system !== NHS_NUMBER_SYSTEM || text(value) !== nhsNumberOf(patient.resource))
      problems.add(path, 'value', `${what} is not the referred patient's`);
    return;
  }
  const designated = resolvePatient(ref, path, scope, problems);
  if (designated && !samePatient(designated, patient))
    problems.add(path, 'value', `${what} is not the referred patient's`);
}
