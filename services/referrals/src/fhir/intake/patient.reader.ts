import type { FieldExpressions } from '../field-expressions';
import { ELEMENTS } from '../fhir-elements';
import { NHS_NUMBER_SYSTEM } from '../fhir.constants';
import { isObject, list, text, unknownElements, type Json, type Problems } from '../fhir-json';
import { DATE, identifierValue, type Located, type Scope } from './references';

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
  if (nhs) expressions.set('patient.nhsNumber', `${path}.identifier[${nhs.index}].value`);
  else
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
