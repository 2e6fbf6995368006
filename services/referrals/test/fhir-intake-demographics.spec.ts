import { ValidationError } from '@sp/errors';
import type { Actor } from '../src/domain/referral-intake.rules';
import { ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM } from '../src/fhir/fhir.constants';
import { parseTransaction, type ParsedIntake } from '../src/fhir/referral-from-fhir';
import { gravityBundle } from './fhir-fixtures';

const gp: Actor = {
  clientId: 'client-gp',
  organisationId: 'org-practice',
  odsCode: 'A81001',
  role: 'referrer',
};
const now = new Date('2024-06-01T12:00:00Z');
const ethnicCategory = (code: string) => ({
  url: ETHNIC_CATEGORY_EXTENSION,
  valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code }] },
});

describe('FHIR transaction Bundle -> the patient demographics of the intake', () => {
  it('reads gender, the home postcode and the UK Core ethnic category', () => {
    const bundle = gravityBundle();
    Object.assign(bundle['entry'][0].resource, {
      gender: 'male',
      address: [{ use: 'home', postalCode: 'TS1 1AA' }],
      extension: [ethnicCategory('A')],
    });
    const parsed = parseTransaction(bundle, gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.patient).toEqual({
      nhsNumber: '9434765919',
      givenName: 'Jane',
      familyName: 'Smith',
      birthDate: '1950-04-02',
      sex: 'male',
      postcode: 'TS1 1AA',
      ethnicCategory: 'A',
    });
  });

  it('refuses bad ones, each once, with its FHIRPath', () => {
    const bundle = gravityBundle();
    Object.assign(bundle['entry'][0].resource, {
      gender: 'M',
      address: [{ use: 'home', postalCode: 'not a postcode' }],
      extension: [ethnicCategory('7')],
    });
    let problems: { field: string; code: string }[] = [];
    try {
      parseTransaction(bundle, gp, undefined, now);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      problems = (error as ValidationError).problems;
    }
    expect(problems.map((p) => `${p.field}:${p.code}`).sort()).toEqual([
      'Bundle.entry[0].resource.address[0].postalCode:value',
      'Bundle.entry[0].resource.extension[0].valueCodeableConcept.coding[0].code:code-invalid',
      'Bundle.entry[0].resource.gender:code-invalid',
    ]);
  });
});
