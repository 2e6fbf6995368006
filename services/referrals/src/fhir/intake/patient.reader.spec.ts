import { FieldExpressions } from '../field-expressions';
import { NHS_NUMBER_SYSTEM } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import {
  checkSubject,
  NHS_NUMBER_VERIFICATION_STATUS,
  NHS_NUMBER_VERIFICATION_STATUS_SYSTEM,
  readPatient,
  resolvePatient,
} from './patient.reader';
import type { Located, Scope } from './references';

const path = 'Bundle.entry[0].resource';
const patientResource = (verification?: Json): Json => ({
  resourceType: 'Patient',
  identifier: [
    {
      system: NHS_NUMBER_SYSTEM,
      value: '9434765919',
      ...(verification ? { extension: [{ url: NHS_NUMBER_VERIFICATION_STATUS, ...verification }] } : {}),
    },
  ],
  name: [{ use: 'official', family: 'Smith', given: ['Jane', 'Ann'] }],
  birthDate: '1950-04-02',
});
const verified = {
  valueCodeableConcept: {
    coding: [
      { system: NHS_NUMBER_VERIFICATION_STATUS_SYSTEM, code: '01', display: 'Number present and verified' },
    ],
  },
};

function read(resource: Json) {
  const problems = new Problems();
  const facts = readPatient({ resource, path }, problems, new FieldExpressions(path));
  return { facts, problems: problems.list };
}

describe('Patient reader', () => {
  it('reads NHS number, official name and date of birth, with UK Core verification status', () => {
    expect(read(patientResource(verified))).toEqual({
      facts: { nhsNumber: '9434765919', givenName: 'Jane Ann', familyName: 'Smith', birthDate: '1950-04-02' },
      problems: [],
    });
  });

  it('refuses a verification status not coded from the England code system', () => {
    const wrong = { valueCodeableConcept: { coding: [{ system: 'http://example.org', code: '01' }] } };
    expect(read(patientResource(wrong)).problems).toEqual([
      expect.objectContaining({
        field: `${path}.identifier[0].extension[0].valueCodeableConcept`,
        code: 'code-invalid',
      }),
    ]);
  });

  it('names every missing part', () => {
    const { problems } = read({ resourceType: 'Patient', name: [{ given: [] }], birthDate: '1950-13-45' });
    expect(problems.map((p) => p.field).sort()).toEqual(
      [`${path}.birthDate`, `${path}.identifier`, `${path}.name[0].family`, `${path}.name[0].given`].sort(),
    );
  });

  describe('references to the patient', () => {
    const patient: Located = { resource: patientResource(), path };
    const scope: Scope = { resolve: (r) => (r === 'urn:uuid:p' ? patient : undefined), patients: [patient] };

    it('resolves a reference, or an NHS number matching a Patient sent', () => {
      const problems = new Problems();
      expect(resolvePatient({ reference: 'urn:uuid:p' }, 'X.subject', scope, problems)).toBe(patient);
      expect(
        resolvePatient(
          { identifier: { system: NHS_NUMBER_SYSTEM, value: '9434765919' } },
          'X.subject',
          scope,
          problems,
        ),
      ).toBe(patient);
      expect(problems.list).toEqual([]);
    });

    it("checks the subject of a Condition or Goal is the referred patient's", () => {
      const problems = new Problems();
      checkSubject({ reference: 'urn:uuid:p' }, 'A.subject', patient, scope, problems, 'The Goal');
      checkSubject(
        { identifier: { system: NHS_NUMBER_SYSTEM, value: '9434765919' } },
        'B.subject',
        patient,
        scope,
        problems,
        'The Goal',
      );
      checkSubject(
        { identifier: { system: NHS_NUMBER_SYSTEM, value: '9000000009' } },
        'C.subject',
        patient,
        scope,
        problems,
        'The Goal',
      );
      checkSubject({ reference: 'Patient/elsewhere' }, 'D.subject', patient, scope, problems, 'The Goal');
      expect(problems.list.map((p) => p.field)).toEqual(['C.subject', 'D.subject.reference']);
    });
  });
});
