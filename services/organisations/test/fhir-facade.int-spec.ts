/** The FHIR R4 read facade over the directory (HealthcareService, Organization) on the real database. */
import request from 'supertest';
import { startTestApp, type TestApp, svcId, orgId } from './hsds-test-app';

type Resource = Record<string, unknown>;
const FHIR_JSON = /^application\/fhir\+json/;

describe('FHIR facade (/fhir)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads a HealthcareService with its organisation, need categories and eligibility', async () => {
    const res = await request(t.http).get('/fhir/HealthcareService/svc-befriending').expect(200);
    expect(res.headers['content-type']).toMatch(FHIR_JSON);
    expect(res.body).toMatchObject({
      resourceType: 'HealthcareService',
      id: svcId('svc-befriending'),
      active: true,
      providedBy: { reference: `Organization/${orgId('org-befriend-tees')}` },
      category: [
        {
          coding: [
            { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
          ],
        },
      ],
      name: 'Telephone and home befriending',
    });
  });

  it('searches HealthcareService by organization, service-category and active as a searchset bundle', async () => {
    const byOrg = await request(t.http)
      .get('/fhir/HealthcareService?organization=Organization/org-money-matters')
      .expect(200);
    expect(byOrg.headers['content-type']).toMatch(FHIR_JSON);
    expect(byOrg.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const byCategory = await request(t.http)
      .get(
        `/fhir/HealthcareService?service-category=${encodeURIComponent('https://socialprescribing.example.org/CodeSystem/need|sp-need-loneliness')}&active=true`,
      )
      .expect(200);
    const ids = ((byCategory.body as { entry: Array<{ resource: Resource }> }).entry ?? [])
      .map((e) => e.resource['id'])
      .sort();
    expect(ids).toEqual([svcId('svc-befriending'), svcId('svc-link-workers'), svcId('svc-walking-group')]);
    const inactive = await request(t.http).get('/fhir/HealthcareService?active=false').expect(200);
    expect((inactive.body as Resource)['total']).toBe(0);
  });

  it('reads and searches Organization by ODS code and charity number', async () => {
    const org = await request(t.http).get('/fhir/Organization/org-riverside-practice').expect(200);
    expect(org.body).toMatchObject({
      resourceType: 'Organization',
      active: true,
      identifier: expect.arrayContaining([
        { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'A81001' },
      ]),
    });
    const ods = await request(t.http)
      .get(
        `/fhir/Organization?identifier=${encodeURIComponent('https://fhir.nhs.uk/Id/ods-organization-code|A81002')}`,
      )
      .expect(200);
    expect((ods.body as { entry: Array<{ resource: Resource }> }).entry.map((e) => e.resource['id'])).toEqual(
      [orgId('org-hillview-surgery')],
    );
    const charity = await request(t.http).get('/fhir/Organization?identifier=1100004').expect(200);
    expect(
      (charity.body as { entry: Array<{ resource: Resource }> }).entry.map((e) => e.resource['id']),
    ).toEqual([orgId('org-tees-food-network')]);
  });

  it('answers errors with an OperationOutcome', async () => {
    const missing = await request(t.http).get('/fhir/HealthcareService/nope').expect(404);
    expect(missing.headers['content-type']).toMatch(FHIR_JSON);
    expect(missing.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found' }],
    });
    await request(t.http).get('/fhir/Organization/nope').expect(404);
    const bad = await request(t.http).get('/fhir/HealthcareService?active=maybe&_count=0').expect(400);
    expect(bad.body).toMatchObject({ resourceType: 'OperationOutcome' });
    const expressions = (bad.body as { issue: Array<{ expression: string[] }> }).issue
      .map((i) => i.expression[0])
      .sort();
    expect(expressions).toEqual(['_count', 'active']);
    const system = await request(t.http).get('/fhir/Organization?identifier=urn:other|1').expect(400);
    expect(system.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'invalid', expression: ['identifier'] }],
    });
  });
});
