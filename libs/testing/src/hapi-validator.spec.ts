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

  it('keeps as a warning an error HAPI contradicts itself on: a code outside a preferred binding', () => {
    const at = ['HealthcareService.communication[0]'];
    const outcome = (code: string, preferred: boolean) => ({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'processing',
          diagnostics: `Code "${code}" is not in valueset: http://hl7.org/fhir/ValueSet/languages`,
          expression: at,
        },
        ...(preferred
          ? [
              {
                severity: 'information',
                code: 'processing',
                diagnostics: `None of the codings provided are in the value set 'Common Languages' (http://hl7.org/fhir/ValueSet/languages|4.0.1), and a coding is recommended to come from this value set (codes = urn:ietf:bcp:47#${code})`,
                expression: at,
              },
            ]
          : []),
      ],
    });
    expect(fromHapiOutcome(outcome('cy', true)).map((i) => i.severity)).toEqual(['warning', 'information']);
    // without HAPI's own statement that the binding is preferred, the error stays an error
    expect(fromHapiOutcome(outcome('cy', false)).map((i) => i.severity)).toEqual(['error']);
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
