// Against the HAPI FHIR validator of infra/local/platform.sh (real, no mocks).
import { expectValidFhirByHapi, validateFhirWithHapi } from './hapi-validator';

const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
const serviceRequest = (coding: object[]) => ({
  resourceType: 'ServiceRequest',
  status: 'active',
  intent: 'order',
  category: [{ coding }],
  subject: { reference: 'Patient/p1' },
});

describe("HAPI's FHIR validator (platform.sh)", () => {
  it('accepts a Gravity ServiceRequest with an SDOHCC category and a SNOMED CT code it cannot check', async () => {
    await expect(
      expectValidFhirByHapi({
        ...serviceRequest([{ system: SDOHCC, code: 'food-insecurity', display: 'Food Insecurity' }]),
        code: { coding: [{ system: 'http://snomed.info/sct', code: '467771000124109' }] },
      }),
    ).resolves.toBeUndefined();
  });

  it('refuses a code the pinned SDOHCC code system does not define, naming the element', async () => {
    const issues = await validateFhirWithHapi(serviceRequest([{ system: SDOHCC, code: 'food-insecure' }]));
    expect(issues).toContainEqual(
      expect.objectContaining({ severity: 'error', expression: ['ServiceRequest.category[0]'] }),
    );
  });

  it('refuses a code outside a required binding and a missing required element', async () => {
    await expect(
      expectValidFhirByHapi({ resourceType: 'Task', status: 'nope', subject: { reference: 'Patient/1' } }),
    ).rejects.toThrow(/Task\.status/);
    const issues = await validateFhirWithHapi({ resourceType: 'Task', status: 'requested' });
    expect(
      issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.diagnostics)
        .join('\n'),
    ).toMatch(/intent/);
  });

  it('a Welsh-speaking service (cy, outside the preferred Common Languages) is not an error', async () => {
    const issues = await validateFhirWithHapi({
      resourceType: 'HealthcareService',
      communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'cy' }] }],
    });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues).toContainEqual(
      expect.objectContaining({ severity: 'warning', expression: ['HealthcareService.communication[0]'] }),
    );
  });
});
