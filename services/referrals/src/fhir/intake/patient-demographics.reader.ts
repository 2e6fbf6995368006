import { ETHNIC_CATEGORIES, SEX_CODES } from '@sp/contracts';
import { compactPostcode } from '../../domain/postcode';
import type { FieldExpressions } from '../field-expressions';
import { ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM } from '../fhir.constants';
import { isObject, list, text, type Problems } from '../fhir-json';
import type { Located } from './references';

/** The patient's optional demographics as the intake model names them (checked again by the intake rules). */
export interface PatientDemographics {
  sex?: string;
  postcode?: string;
  ethnicCategory?: string;
}

/**
 * Patient.gender (AdministrativeGender), the postcode of the home address (else the first
 * address) and the UK Core ethnic category extension (a code of UKCore-EthnicCategoryEngland), all
 * optional. A bad value is refused with its FHIRPath; other addresses and extensions are ignored.
 */
export function readPatientDemographics(
  p: Located,
  problems: Problems,
  expressions: FieldExpressions,
): PatientDemographics {
  const { resource, path } = p;
  const out: PatientDemographics = {};

  expressions.set('patient.sex', `${path}.gender`);
  if (resource.gender !== undefined) {
    const gender = text(resource.gender);
    if (gender === undefined || !(SEX_CODES as readonly string[]).includes(gender))
      problems.add(`${path}.gender`, 'code-invalid', `Patient.gender is one of ${SEX_CODES.join(', ')}`);
    else out.sex = gender;
  }

  const addresses = list(resource.address, `${path}.address`, problems);
  const home = addresses.findIndex((a) => isObject(a) && a.use === 'home');
  const index = home >= 0 ? home : 0;
  const address = addresses[index];
  if (isObject(address) && address.postalCode !== undefined) {
    const at = `${path}.address[${index}].postalCode`;
    expressions.set('patient.postcode', at);
    const postcode = text(address.postalCode);
    if (postcode === undefined || compactPostcode(postcode) === null)
      problems.add(at, 'value', 'The postal code is not a UK postcode (e.g. "TS1 1AA")');
    else out.postcode = postcode;
  }

  list(resource.extension, `${path}.extension`, problems).forEach((ext, i) => {
    if (!isObject(ext) || ext.url !== ETHNIC_CATEGORY_EXTENSION || out.ethnicCategory !== undefined) return;
    const at = `${path}.extension[${i}].valueCodeableConcept`;
    const concept = ext.valueCodeableConcept;
    const raw: unknown[] = isObject(concept) && Array.isArray(concept.coding) ? concept.coding : [];
    const j = raw.findIndex((c) => isObject(c) && c.system === ETHNIC_CATEGORY_SYSTEM);
    const coding = raw[j];
    const code = isObject(coding) ? text(coding.code) : undefined;
    expressions.set('patient.ethnicCategory', j >= 0 ? `${at}.coding[${j}].code` : at);
    if (code === undefined || !(ETHNIC_CATEGORIES as readonly string[]).includes(code))
      problems.add(
        j >= 0 ? `${at}.coding[${j}].code` : at,
        'code-invalid',
        `The ethnic category is a code of ${ETHNIC_CATEGORY_SYSTEM} (A-S, Z not stated, 99 not known)`,
      );
    else out.ethnicCategory = code;
  });
  return out;
}
