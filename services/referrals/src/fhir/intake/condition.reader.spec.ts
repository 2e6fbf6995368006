import { SDOHCC_TEMPORARY_CODES_SYSTEM } from '@sp/contracts';
import { FieldExpressions } from '../field-expressions';
import { NHS_NUMBER_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import { readCondition } from './condition.reader';
import { DerivedNeeds } from './needs.reader';
import type { Located, Scope } from './references';

const patient: Located = {
  resource: { resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9434765919' }] },
  path: 'Bundle.entry[0].resource',
};
const scope: Scope = { resolve: (r) => (r === 'urn:uuid:p' ? patient : undefined), patients: [patient] };
const path = 'Bundle.entry[2].resource';

function read(resource: Json) {
  const problems = new Problems();
  const needs = new DerivedNeeds(new FieldExpressions(path));
  const code = readCondition({ resource, path }, patient, scope, problems, needs);
  return { code, needs: needs.list, problems: problems.list };
}

const condition = (more: Json = {}): Json => ({
  resourceType: 'Condition',
  category: [{ coding: [{ system: SDOHCC_TEMPORARY_CODES_SYSTEM, code: 'homelessness' }] }],
  code: {
    coding: [
      { system: SNOMED_CT, code: '32911000', display: 'Homeless' },
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z59.0' },
    ],
  },
  subject: { reference: 'urn:uuid:p' },
  ...more,
});

describe('Condition reader', () => {
  it('stores the code and derives needs from its SNOMED CT codings and SDOH category', () => {
    const { code, needs, problems } = read(condition());
    expect(problems).toEqual([]);
    expect(needs).toEqual(['sp-need-housing', '32911000']);
    expect(code).toEqual({
      codings: [
        { system: SNOMED_CT, code: '32911000', display: 'Homeless' },
        { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z59.0' },
      ],
    });
  });

  it('accepts the subject by the patient NHS number', () => {
    const byNhs = condition({ subject: { identifier: { system: NHS_NUMBER_SYSTEM, value: '9434765919' } } });
    expect(read(byNhs).problems).toEqual([]);
  });

  it('refuses a missing code, a refuted condition, another patient and unknown elements', () => {
    const { problems } = read(
      condition({
        code: undefined,
        verificationStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }],
        },
        subject: { identifier: { system: NHS_NUMBER_SYSTEM, value: '9000000009' } },
        severty: {},
      }),
    );
    expect(problems.map((p) => p.field).sort()).toEqual(
      [`${path}.code`, `${path}.severty`, `${path}.subject`, `${path}.verificationStatus`].sort(),
    );
  });
});
