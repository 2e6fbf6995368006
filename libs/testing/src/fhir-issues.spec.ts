import {
  collectIssues,
  errorIssues,
  formatIssues,
  fromTerminology,
  gravityIssues,
  jsonRuleIssues,
} from './fhir-issues';

const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
const gravity = new Map([[SDOHCC, new Map([['food-insecurity', 'Food Insecurity']])]]);

describe('fhir-issues', () => {
  it('names a terminology problem inside a Bundle entry by its full path', () => {
    const issue = fromTerminology({
      location: 'Task.status',
      resourceId: 'Bundle.entry[2].resource',
      severity: 'error',
      message: 'Code "nope" not found in value set',
    });
    expect(issue).toEqual({
      severity: 'error',
      code: 'code-invalid',
      expression: ['Bundle.entry[2].resource.status'],
      diagnostics: 'Code "nope" not found in value set',
      source: 'terminology',
    });
  });

  it('keeps the location of a problem in the root resource', () => {
    const issue = fromTerminology({
      location: 'Patient.gender',
      resourceId: '#initial',
      severity: 'warning',
      message: 'x',
    });
    expect(issue.expression).toEqual(['Patient.gender']);
    expect(issue.severity).toBe('warning');
  });

  it('maps FHIR.js "info" to information', () => {
    expect(fromTerminology({ severity: 'info', message: 'm' }).severity).toBe('information');
  });

  it('refuses a code that the pinned Gravity code system does not define, wherever it is', () => {
    const issues = gravityIssues(
      {
        resourceType: 'Bundle',
        entry: [
          {
            resource: {
              resourceType: 'ServiceRequest',
              category: [{ coding: [{ system: SDOHCC, code: 'food-insecure' }] }],
            },
          },
        ],
      } as { resourceType: string },
      gravity,
    );
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        expression: ['Bundle.entry[0].resource.category[0].coding[0]'],
        source: 'gravity',
      }),
    ]);
  });

  it('warns on a wrong display and accepts a right one', () => {
    const resource = {
      resourceType: 'ServiceRequest',
      category: [
        { coding: [{ system: SDOHCC, code: 'food-insecurity', display: 'Food Insecurity' }] },
        { coding: [{ system: SDOHCC, code: 'food-insecurity', display: 'Hunger' }] },
      ],
    };
    const issues = gravityIssues(resource, gravity);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      severity: 'warning',
      expression: ['ServiceRequest.category[1].coding[0].display'],
    });
  });

  it('leaves code systems it does not hold alone', () => {
    const resource = {
      resourceType: 'ServiceRequest',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '123' }] },
    };
    expect(gravityIssues(resource, gravity)).toEqual([]);
  });

  it('merges the checks and lists errors with their expressions', () => {
    const issues = collectIssues({
      structure: [
        {
          severity: 'error',
          code: 'invariant',
          details: { text: 'Constraint bdl-3 not met' },
          expression: ['Bundle'],
        },
        { severity: 'warning', code: 'structure', details: { text: 'w' } },
      ],
      terminology: [
        { location: 'Bundle.type', severity: 'error', message: 'Code "x" not found in value set' },
      ],
      gravity,
      resource: { resourceType: 'Bundle' },
    });
    const errors = errorIssues(issues);
    expect(errors.map((i) => i.expression)).toEqual([['Bundle'], ['Bundle.type']]);
    expect(formatIssues(errors)).toBe(
      [
        '  error [structure/invariant] Bundle: Constraint bdl-3 not met',
        '  error [terminology/code-invalid] Bundle.type: Code "x" not found in value set',
      ].join('\n'),
    );
  });

  it('refuses empty strings, bad resource ids and unreferenced contained resources', () => {
    const issues = jsonRuleIssues({
      resourceType: 'Bundle',
      id: 'a_b',
      entry: [
        {
          resource: {
            resourceType: 'ServiceRequest',
            note: [{ text: '' }],
            contained: [
              { resourceType: 'Patient', id: 'p' },
              { resourceType: 'Consent', id: 'c' },
              { resourceType: 'Provenance', id: 'v', target: [{ reference: '#' }] },
            ],
            subject: { reference: '#p' },
          },
        },
      ],
    } as { resourceType: string });
    expect(issues.map((i) => [i.expression[0], i.code])).toEqual([
      ['Bundle.id', 'value'],
      ['Bundle.entry[0].resource.contained[1]', 'invariant'],
      ['Bundle.entry[0].resource.note[0].text', 'value'],
    ]);
  });
});
