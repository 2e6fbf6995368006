import { fhirOrganization, healthcareService, operationOutcome } from './fhir-mapping';

/** The platform need term 'sp-need-loneliness' (taxonomy term ids are UUIDs). */
const LONELINESS_TERM = 'ad1d098c-0ad1-5e36-be56-8458ed5ccc15';

describe('FHIR mapping', () => {
  const org = {
    _id: 'org-1',
    id: 'org-1',
    name: 'Org',
    sp: { status: 'active' as const, kind: 'vcs' as const, charityNumber: '1100001' },
  };
  const service = {
    _id: 'svc-1',
    id: 'svc-1',
    organization_id: 'org-1',
    name: 'S',
    status: 'active',
    minimum_age: 50,
    phones: [{ id: 'p', number: '01642 000002' }],
    languages: [{ id: 'l', code: 'en' }],
    sp: { publication: 'published' as const, taxonomyTermIds: [LONELINESS_TERM] },
  };

  it('maps a listed service to an active HealthcareService, its terms by need code', () => {
    const terms = new Map([[LONELINESS_TERM, { code: 'sp-need-loneliness', name: 'Loneliness' }]]);
    expect(healthcareService(service, org, terms)).toMatchObject({
      resourceType: 'HealthcareService',
      active: true,
      providedBy: { reference: 'Organization/org-1' },
      category: [{ coding: [{ code: 'sp-need-loneliness', display: 'Loneliness' }] }],
      telecom: [{ system: 'phone', value: '01642 000002' }],
      eligibility: [{ comment: 'Ages 50 to any' }],
      communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] }],
    });
  });

  it('marks withdrawn services and suspended organisations inactive', () => {
    expect(
      healthcareService({ ...service, sp: { publication: 'withdrawn' } }, org, new Map())['active'],
    ).toBe(false);
    const suspended = { ...org, sp: { ...org.sp, status: 'suspended' as const } };
    expect(healthcareService(service, suspended, new Map())['active']).toBe(false);
    expect(fhirOrganization(suspended)['active']).toBe(false);
  });

  it('turns field problems into OperationOutcome issues', () => {
    expect(
      operationOutcome({
        status: 400,
        code: 'VALIDATION.FAILED',
        detail: 'bad',
        errors: [{ field: 'active', code: 'invalid', message: 'm' }],
      }),
    ).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'm',
          expression: ['active'],
          details: { text: 'VALIDATION.FAILED' },
        },
      ],
    });
  });
});
