import { fromHapiOutcome } from './hapi-validator';
import { testInfra } from './test-infra';

describe('fromHapiOutcome', () => {
  it('keeps each issue with its expression, or the FHIRPath part of its location', () => {
    const issues = fromHapiOutcome({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'processing',
          diagnostics: 'The value provided was not found in the value set',
          location: ['Patient.gender', 'Line[1] Col[43]'],
          expression: ['Patient.gender'],
        },
        {
          severity: 'warning',
          code: 'processing',
          diagnostics: 'dom-6',
          location: ['Task', 'Line[1] Col[9]'],
        },
      ],
    });
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'processing',
        expression: ['Patient.gender'],
        diagnostics: 'The value provided was not found in the value set',
        source: 'hapi',
      },
      { severity: 'warning', code: 'processing', expression: ['Task'], diagnostics: 'dom-6', source: 'hapi' },
    ]);
  });

  it("drops HAPI's 'No issues detected' information", () => {
    expect(
      fromHapiOutcome({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            diagnostics: 'No issues detected during validation',
          },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses an answer that is not an OperationOutcome', () => {
    expect(() => fromHapiOutcome({ resourceType: 'Bundle' })).toThrow(/validator answered/);
  });
});

describe('testInfra.fhirValidatorUrl', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('defaults to platform.sh, follows SP_FHIR_VALIDATOR_PORT, and an explicit URL wins', () => {
    delete process.env['TEST_FHIR_VALIDATOR_URL'];
    delete process.env['FHIR_VALIDATOR_URL'];
    delete process.env['SP_FHIR_VALIDATOR_PORT'];
    expect(testInfra.fhirValidatorUrl).toBe('http://127.0.0.1:8095');
    process.env['SP_FHIR_VALIDATOR_PORT'] = '9195';
    expect(testInfra.fhirValidatorUrl).toBe('http://127.0.0.1:9195');
    process.env['TEST_FHIR_VALIDATOR_URL'] = 'http://127.0.0.1:1234';
    expect(testInfra.fhirValidatorUrl).toBe('http://127.0.0.1:1234');
  });
});
