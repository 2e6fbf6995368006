// Runs the real validators (no mocks): the definitions load once per file, about 3 s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { expectValidFhir, GRAVITY_DIR, validateFhir } from './fhir-validation';

const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';

describe('validateFhir (R4 core definitions, pinned Gravity terminology)', () => {
  it('accepts a valid Gravity-shaped ServiceRequest', () => {
    expect(() =>
      expectValidFhir({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        category: [{ coding: [{ system: SDOHCC, code: 'food-insecurity', display: 'Food Insecurity' }] }],
        code: { coding: [{ system: 'http://snomed.info/sct', code: '467771000124109' }] },
        subject: { reference: 'Patient/p1' },
      }),
    ).not.toThrow();
  });

  it('names each structural, invariant and terminology problem with its expression', () => {
    const errors = validateFhir({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        {
          request: { method: 'GET', url: 'Task' },
          resource: { resourceType: 'Task', status: 'nope', intent: 'order', extra: 1 },
        },
      ],
    }).filter((i) => i.severity === 'error');
    const expressions = errors.flatMap((i) => i.expression);
    expect(expressions).toEqual(
      expect.arrayContaining(['Bundle', 'Bundle.entry[0].resource.status', 'Bundle.entry[0].resource.extra']),
    );
    expect(errors.find((i) => i.expression.includes('Bundle'))?.diagnostics).toMatch(/bdl-3/);
  });

  it('refuses a bad primitive and a code outside a required binding', () => {
    expect(() =>
      expectValidFhir({ resourceType: 'Patient', gender: 'bogus', birthDate: '1970-13-01' }),
    ).toThrow(/Patient\.birthDate[\s\S]*Patient\.gender|Patient\.gender[\s\S]*Patient\.birthDate/);
  });

  it('refuses a code the pinned SDOHCC code system does not define', () => {
    const issues = validateFhir({
      resourceType: 'Task',
      status: 'completed',
      intent: 'order',
      output: [{ type: { coding: [{ system: SDOHCC, code: 'resulting-activities' }] }, valueString: 'x' }],
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        expression: ['Task.output[0].type.coding[0]'],
        source: 'gravity',
      }),
    );
  });

  it('does not fail on code systems it cannot check (SNOMED CT, NHS number, ODS)', () => {
    expect(() =>
      expectValidFhir({
        resourceType: 'Patient',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }],
        managingOrganization: {
          identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'A12345' },
        },
      }),
    ).not.toThrow();
  });

  it('validates against a named core profile and reports an unknown one', () => {
    expect(
      validateFhir({ resourceType: 'Patient' }, 'http://hl7.org/fhir/StructureDefinition/Patient'),
    ).toEqual([]);
    expect(validateFhir({ resourceType: 'Patient' }, 'http://example.org/StructureDefinition/nope')).toEqual([
      expect.objectContaining({ severity: 'error', code: 'not-found' }),
    ]);
  });

  it('validates a resource parsed in another realm (fetch under jest) as the JSON it is', () => {
    const parsedElsewhere: unknown = runInNewContext(
      'JSON.parse(\'{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"structure","details":{"text":"t"}}]}\')',
    );
    expect(validateFhir(parsedElsewhere)).toEqual([]);
  });

  it.each(['CodeSystem-SDOHCC-CodeSystemTemporaryCodes.json', 'ValueSet-SDOHCC-ValueSetSDOHCategory.json'])(
    'the pinned Gravity file %s is itself valid R4',
    (file) => {
      const resource = JSON.parse(readFileSync(join(GRAVITY_DIR, file), 'utf8')) as unknown;
      expect(() => expectValidFhir(resource)).not.toThrow();
    },
  );
});
