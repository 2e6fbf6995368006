/**
 * Open Referral UK conformance of the HSDS read API (/hsds) on the real database: every
 * endpoint's full output (list items and single reads, nested objects) validates against the
 * ORUK profile (HSDS 3.0 with ORUK's pinned merge patches, `orukValidators`) as well as HSDS 3.0;
 * ORUK's required endpoints and query parameters are served; every response is open to any origin
 * (CORS `Access-Control-Allow-Origin: *`); `/hsds` declares the profile by the URL ORUK documents.
 */
import request from 'supertest';
import type { ValidateFunction } from 'ajv';
import {
  expectValid,
  hsdsValidators,
  orukUndefinedRequirements,
  orukValidators,
  PAGE_KEYS,
  startTestApp,
  svcId,
  type TestApp,
} from './hsds-test-app';

type Json = Record<string, unknown>;
type Page = Json & { contents: Json[] };

/** Each list endpoint, the schema its items and single reads follow, and its single-read path. */
const ENDPOINTS: Array<{ path: string; schema: string }> = [
  { path: '/hsds/services', schema: 'service' },
  { path: '/hsds/service_at_locations', schema: 'service_at_location' },
  { path: '/hsds/organizations', schema: 'organization' },
  { path: '/hsds/taxonomies', schema: 'taxonomy' },
  { path: '/hsds/taxonomy_terms', schema: 'taxonomy_term' },
];

describe('Open Referral UK conformance (/hsds)', () => {
  let t: TestApp;
  let oruk: Record<string, ValidateFunction>;
  let hsds: Record<string, ValidateFunction>;
  const get = async (path: string, status = 200): Promise<Json> => {
    const res = await request(t.http).get(path).expect(status);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    return res.body as Json;
  };

  beforeAll(async () => {
    t = await startTestApp();
    oruk = orukValidators();
    hsds = hsdsValidators();
  });
  afterAll(async () => {
    await t.close();
  });

  it('declares HSDS 3.0 and the Open Referral UK profile by its documented URL', async () => {
    const about = await get('/hsds');
    expect(about).toEqual({
      version: '3.0',
      profile: 'https://open-referral-uk-profile.readthedocs.io/en/latest/',
      openapi_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/docs-json$/),
    });
    // ORUK's openapi.json: `profile` and `openapi_url` are URIs (absolute); the URL answers the API.
    const openapi = await request(t.http)
      .get(new URL(String(about['openapi_url'])).pathname)
      .expect(200);
    expect(openapi.body).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    expect(Object.keys((openapi.body as { paths: Json }).paths)).toEqual(
      expect.arrayContaining([
        '/hsds/services',
        '/hsds/services/{id}',
        '/hsds/taxonomies',
        '/hsds/taxonomy_terms',
      ]),
    );
  });

  it('the profile defect handled is exactly the documented one (requirements of undefined properties)', () => {
    expect(orukUndefinedRequirements()).toEqual([
      'contact.url',
      'cost_option.url',
      'funding.url',
      'language.url',
      'location.location_type',
      'location.url',
      'phone.url',
      'schedule.url',
      'taxonomy_term.description',
      'taxonomy_term.name',
    ]);
  });

  it.each(ENDPOINTS)(
    '$path: every list item and every single read validates against ORUK and HSDS 3.0',
    async ({ path, schema }) => {
      const page = (await get(`${path}?per_page=200`)) as Page;
      expect(Object.keys(page).sort()).toEqual([...PAGE_KEYS].sort());
      expect(page.contents.length).toBeGreaterThan(0);
      for (const item of page.contents) {
        expectValid(oruk[schema]!, item);
        expectValid(hsds[schema]!, item);
        const one = await get(`${path}/${String(item['id'])}`);
        expectValid(oruk[schema]!, one);
        expectValid(hsds[schema]!, one);
      }
    },
  );

  it('every published service has an https url (ORUK requires service.url)', async () => {
    const page = (await get('/hsds/services?per_page=200')) as Page;
    for (const s of page.contents) expect(String(s['url'])).toMatch(/^https:\/\/[a-z0-9.-]+\.example\.org\//);
    const full = await get(`/hsds/services/${svcId('svc-befriending')}`);
    expect(full['url']).toEqual(expect.stringMatching(/^https:\/\//));
  });

  it('taxonomy terms carry ORUK `term` and `taxonomy`', async () => {
    const page = (await get('/hsds/taxonomy_terms?per_page=200')) as Page;
    for (const term of page.contents) {
      expect(term).toMatchObject({ term: expect.any(String), taxonomy: expect.any(String) });
    }
  });

  describe("ORUK's required query parameters (schema/openapi.json)", () => {
    const ids = async (path: string): Promise<string[]> =>
      ((await get(path)) as Page).contents.map((s) => String(s['id'])).sort();
    const svcs = (...slugs: string[]): string[] => slugs.map(svcId).sort();

    it('/services: search, page, per_page, taxonomy_term_id, taxonomy_id', async () => {
      expect(await ids('/hsds/services?search=pantry')).toEqual(svcs('svc-food-support'));
      expect((await get('/hsds/services?page=2&per_page=4')) as Page).toMatchObject({
        page_number: 2,
        size: 2,
      });
      expect(await ids('/hsds/services?taxonomy_term_id=sp-need-food')).toEqual(svcs('svc-food-support'));
      expect((await get('/hsds/services?taxonomy_id=sp-needs')) as Page).toMatchObject({ total_items: 6 });
    });

    it('/services: minimum_age and maximum_age', async () => {
      expect(await ids('/hsds/services?minimum_age=18')).toEqual(svcs('svc-befriending', 'svc-debt-advice'));
      // No demo service states a maximum age: none has one at or below 120.
      expect(await ids('/hsds/services?maximum_age=120')).toEqual([]);
    });

    it('/services: start_time, end_time and day match one schedule together', async () => {
      expect(await ids('/hsds/services?day=SA')).toEqual(svcs('svc-walking-group'));
      expect(await ids('/hsds/services?day=wednesday')).toEqual(
        svcs('svc-link-workers', 'svc-befriending', 'svc-debt-advice', 'svc-carer-support'),
      );
      expect(await ids('/hsds/services?start_time=10:00')).toEqual(
        svcs('svc-debt-advice', 'svc-walking-group', 'svc-food-support', 'svc-carer-support'),
      );
      expect(await ids('/hsds/services?end_time=15:00')).toEqual(
        svcs('svc-walking-group', 'svc-food-support', 'svc-carer-support'),
      );
      expect(await ids('/hsds/services?start_time=10:00&end_time=15:00&day=WE')).toEqual(
        svcs('svc-carer-support'),
      );
    });

    it('/service_at_locations: the same filters, with postcode and proximity', async () => {
      const sat = (await get('/hsds/service_at_locations?day=SA&taxonomy_id=sp-needs')) as Page;
      expect(sat.contents.map((l) => l['service_id'])).toEqual([svcId('svc-walking-group')]);
      const young = (await get('/hsds/service_at_locations?minimum_age=50')) as Page;
      expect(young.contents.map((l) => l['service_id'])).toEqual([svcId('svc-befriending')]);
      const near = (await get('/hsds/service_at_locations?postcode=TS1%202AD&proximity=50km&day=SA')) as Page;
      expect(near.contents.map((l) => l['service_id'])).toEqual([svcId('svc-walking-group')]);
    });

    it('names every bad ORUK parameter in one 400', async () => {
      const body = await get(
        '/hsds/services?minimum_age=-1&maximum_age=old&start_time=25:00&end_time=9am&day=someday',
        400,
      );
      const fields = ((body['errors'] ?? []) as Array<{ field: string }>).map((e) => e.field).sort();
      expect(fields).toEqual(['day', 'end_time', 'maximum_age', 'minimum_age', 'start_time']);
    });

    it('/taxonomies and /taxonomy_terms page with page and per_page', async () => {
      expect((await get('/hsds/taxonomies?page=1&per_page=1')) as Page).toMatchObject({ size: 1 });
      expect((await get('/hsds/taxonomy_terms?page=2&per_page=2')) as Page).toMatchObject({
        page_number: 2,
        size: 2,
      });
    });
  });

  it('CORS: error answers allow any origin too', async () => {
    await get('/hsds/services/00000000-0000-4000-8000-000000000000', 404);
    await get('/hsds/services?per_page=0', 400);
  });
});
