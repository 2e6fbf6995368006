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
    expect(await get('/hsds')).toEqual({
      version: '3.0',
      profile: 'https://open-referral-uk-profile.readthedocs.io/en/latest/',
      openapi_url: '/docs-json',
    });
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

  it('CORS: error answers allow any origin too', async () => {
    await get('/hsds/services/00000000-0000-4000-8000-000000000000', 404);
    await get('/hsds/services?per_page=0', 400);
  });
});
