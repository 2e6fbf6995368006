/**
 * FHIR R4 conformance of everything the directory's FHIR facade (/fhir) emits, on the real
 * database with the demo network: the CapabilityStatement, every HealthcareService and
 * Organization (read and searched), the searchset Bundles and the OperationOutcomes of refusals,
 * validated by HAPI's FHIR validator (platform.sh) against the R4 core definitions and by the
 * in-process checks of @sp/testing (docs/conformance-testing.md). Ids are taken from the searches, not assumed.
 */
import request from 'supertest';
import { errorIssues, formatIssues, validateFhir, validateFhirWithHapi } from '@sp/testing';
import {
  HEALTHCARE_SERVICE_SEARCH_PARAMS,
  ORGANIZATION_SEARCH_PARAMS,
} from '../src/fhir/capability-statement';
import { startTestApp, type TestApp } from './hsds-test-app';

type Resource = Record<string, unknown> & { resourceType: string; id?: string };
interface SearchsetBundle extends Resource {
  total: number;
  entry?: { resource: Resource }[];
}

describe('FHIR R4 conformance of the directory facade (/fhir)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** GET `path`; the body, whatever the status, must be valid FHIR R4. */
  async function get(path: string, status: number): Promise<Resource> {
    const res = await request(t.http).get(path).expect(status);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const body = res.body as Resource;
    const errors = errorIssues([...(await validateFhirWithHapi(body)), ...validateFhir(body)]);
    if (errors.length > 0) {
      throw new Error(
        `GET ${path} -> ${status}: the ${body.resourceType} is not valid FHIR R4:\n${formatIssues(errors)}`,
      );
    }
    return body;
  }

  it('GET /fhir/metadata answers a valid R4 CapabilityStatement of what the facade supports', async () => {
    const cs = await get('/fhir/metadata', 200);
    expect(cs).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: expect.arrayContaining(['json']),
    });
    const rest = (cs['rest'] as { resource: { type: string; interaction: { code: string }[] }[] }[])[0]!;
    expect(rest.resource.map((r) => [r.type, r.interaction.map((i) => i.code)])).toEqual([
      ['HealthcareService', ['read', 'search-type']],
      ['Organization', ['read', 'search-type']],
    ]);
  });

  it('every declared search parameter is accepted and answers a valid searchset', async () => {
    const services = (await get('/fhir/HealthcareService?_count=200', 200)) as SearchsetBundle;
    // a service with an organisation and a need category, to search by both
    const service = services.entry!.map((e) => e.resource).find((r) => r['providedBy'] && r['category'])!;
    expect(service).toBeDefined();
    const providedBy = (service['providedBy'] as { reference: string }).reference;
    const category = (service['category'] as { coding: { system: string; code: string }[] }[])[0]!.coding[0]!;
    type Check = (r: Resource) => boolean;
    const codings = (r: Resource, key: string) =>
      ((r[key] as { coding?: { system?: string; code?: string }[] }[] | undefined) ?? []).flatMap(
        (c) => c.coding ?? [],
      );
    const ids = (r: Resource) => (r['identifier'] as { value: string }[]).map((i) => i.value);
    // name -> a value, and what every match must satisfy
    const samples: Record<string, [string, Check]> = {
      organization: [providedBy, (r) => (r['providedBy'] as { reference: string }).reference === providedBy],
      'service-category': [
        `${category.system}|${category.code}`,
        (r) => codings(r, 'category').some((c) => c.system === category.system && c.code === category.code),
      ],
      active: ['true', (r) => r['active'] === true],
      identifier: ['A81001', (r) => ids(r).includes('A81001')],
      _count: ['2', () => true],
      _offset: ['1', () => true],
    };
    for (const [type, params] of [
      ['HealthcareService', HEALTHCARE_SERVICE_SEARCH_PARAMS],
      ['Organization', ORGANIZATION_SEARCH_PARAMS],
    ] as const) {
      for (const { name } of params) {
        const sample = samples[name];
        expect([type, name, sample !== undefined]).toEqual([type, name, true]);
        const [value, matches] = sample!;
        const bundle = (await get(
          `/fhir/${type}?${name}=${encodeURIComponent(value)}`,
          200,
        )) as SearchsetBundle;
        const found = (bundle.entry ?? []).map((e) => e.resource);
        expect([type, name, bundle.type, found.length > 0]).toEqual([type, name, 'searchset', true]);
        expect([type, name, found.every(matches)]).toEqual([type, name, true]);
        if (name === '_count') expect(found.length).toBeLessThanOrEqual(2);
      }
    }
  });

  it('every HealthcareService and Organization of the directory is valid R4, searched and read', async () => {
    const services = (await get('/fhir/HealthcareService?_count=200', 200)) as SearchsetBundle;
    const organisations = (await get('/fhir/Organization?_count=200', 200)) as SearchsetBundle;
    expect(services.entry!.length).toBeGreaterThan(0);
    expect(organisations.entry!.length).toBeGreaterThan(0);
    expect(services.entry!.length).toBe(services.total);
    expect(organisations.entry!.length).toBe(organisations.total);
    for (const { resource } of [...services.entry!, ...organisations.entry!]) {
      const read = await get(`/fhir/${resource.resourceType}/${resource.id}`, 200);
      expect(read).toEqual(resource);
    }
    await get('/fhir/HealthcareService?active=false', 200);
  });

  it('refusals are valid OperationOutcomes', async () => {
    for (const [path, status] of [
      ['/fhir/HealthcareService/nope', 404],
      ['/fhir/Organization/nope', 404],
      ['/fhir/HealthcareService?active=maybe&_count=0', 400],
      ['/fhir/Organization?identifier=urn:other|1', 400],
    ] as const) {
      const outcome = await get(path, status);
      expect([path, outcome.resourceType]).toEqual([path, 'OperationOutcome']);
    }
  });
});
