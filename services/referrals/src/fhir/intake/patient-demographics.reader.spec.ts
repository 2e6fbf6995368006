import { FieldExpressions } from '../field-expressions';
import { ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import { readPatientDemographics } from './patient-demographics.reader';

const path = 'Bundle.entry[0].resource';
const ethnic = (code: string, system = ETHNIC_CATEGORY_SYSTEM): Json => ({
  url: ETHNIC_CATEGORY_EXTENSION,
  valueCodeableConcept: { coding: [{ system, code }] },
});

function read(extra: Json) {
  const problems = new Problems();
  const expressions = new FieldExpressions(path);
  const facts = readPatientDemographics(
    { resource: { resourceType: 'Patient', ...extra }, path },
    problems,
    expressions,
  );
  return { facts, problems: problems.list, expressions };
}

describe('Patient demographics reader', () => {
  it('reads gender, the home address postcode and the UK Core ethnic category', () => {
    const { facts, problems, expressions } = read({
      gender: 'female',
      address: [
        { use: 'work', postalCode: 'M1 1AE' },
        { use: 'home', line: ['1 High Street'], postalCode: 'ts1 1aa' },
      ],
      extension: [{ url: 'https://example.org/other', valueString: 'x' }, ethnic('H')],
    });
    expect(problems).toEqual([]);
    expect(facts).toEqual({ sex: 'female', postcode: 'ts1 1aa', ethnicCategory: 'H' });
    expect(expressions.expressionFor('patient.postcode')).toBe(`${path}.address[1].postalCode`);
    expect(expressions.expressionFor('patient.ethnicCategory')).toBe(
      `${path}.extension[1].valueCodeableConcept.coding[0].code`,
    );
  });

  it('takes the first address when none is home, and nothing when none is sent', () => {
    expect(read({ address: [{ postalCode: 'TS18 1AA' }, { postalCode: 'M1 1AE' }] }).facts).toEqual({
      postcode: 'TS18 1AA',
    });
    expect(read({})).toMatchObject({ facts: {}, problems: [] });
  });

  it('refuses unknown codes and bad postcodes with their FHIRPath', () => {
    const { problems } = read({
      gender: 'F',
      address: [{ use: 'home', postalCode: 'nowhere' }],
      extension: [ethnic('Q')],
    });
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      `${path}.gender:code-invalid`,
      `${path}.address[0].postalCode:value`,
      `${path}.extension[0].valueCodeableConcept.coding[0].code:code-invalid`,
    ]);
    expect(read({ extension: [ethnic('A', 'https://example.org/ethnicity')] }).problems).toEqual([
      expect.objectContaining({ field: `${path}.extension[0].valueCodeableConcept`, code: 'code-invalid' }),
    ]);
  });
});
