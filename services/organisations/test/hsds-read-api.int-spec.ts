/**
 * The HSDS 3.0 read API on the real database: every response validates against the HSDS schemas,
 * paging follows HSDS, filters work, bad parameters are named in a 400, unknown ids are 404.
 */
import request from 'supertest';
import type { ValidateFunction } from 'ajv';
import { uniqueName } from '@sp/testing';
import {
  expectValid,
  hsdsValidators,
  locId,
  orgId,
  PAGE_KEYS,
  startTestApp,
  svcId,
  taxonomyId,
  termId,
  type TestApp,
} from './hsds-test-app';

type Json = Record<string, unknown> & { contents?: Array<Record<string, unknown>> };

describe('HSDS read API (/hsds)', () => {
  let t: TestApp;
  let schemas: Record<string, ValidateFunction>;
  const get = async (path: string, status = 200): Promise<Json> => {
    const res = await request(t.http).get(path).expect(status);
    return res.body as Json;
  };

  beforeAll(async () => {
    t = await startTestApp();
    schemas = hsdsValidators();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers / with the HSDS version and profile, without a token', async () => {
    const body = await get('/hsds');
    expect(body).toMatchObject({
      version: '3.0',
      profile: 'https://open-referral-uk-profile.readthedocs.io/en/latest/',
    });
  });

  it('lists active services as an HSDS page whose items validate as HSDS services', async () => {
    const page = await get('/hsds/services?per_page=4');
    expect(Object.keys(page).sort()).toEqual([...PAGE_KEYS].sort());
    expect(page).toMatchObject({
      total_items: 6,
      total_pages: 2,
      page_number: 1,
      size: 4,
      first_page: true,
      last_page: false,
      empty: false,
    });
    for (const service of page.contents!) expectValid(schemas['service']!, service);
    const second = await get('/hsds/services?per_page=4&page=2');
    expect(second).toMatchObject({ page_number: 2, size: 2, first_page: false, last_page: true });
    const beyond = await get('/hsds/services?per_page=4&page=9');
    expect(beyond).toMatchObject({ size: 0, empty: true, contents: [] });
  });

  it('filters by taxonomy term, organisation, text and modified_after', async () => {
    const lonely = await get('/hsds/services?taxonomy_term_id=sp-need-loneliness');
    expect(lonely.contents!.map((s) => s['id']).sort()).toEqual([
      svcId('svc-befriending'),
      svcId('svc-link-workers'),
      svcId('svc-walking-group'),
    ]);
    // The total is a countDocuments (an aggregation) matching inside an array field: it must count
    // what the page lists, not silently nothing.
    expect(lonely.total_items).toBe(3);
    const org = await get('/hsds/services?organization_id=org-money-matters');
    expect(org.contents!.map((s) => s['id'])).toEqual([svcId('svc-debt-advice')]);
    const text = await get('/hsds/services?search=PANTRY');
    expect(text.contents!.map((s) => s['id'])).toEqual([svcId('svc-food-support')]);
    const taxonomy = await get('/hsds/services?taxonomy_id=sp-needs');
    expect(taxonomy.total_items).toBe(6);
    const future = await get(
      `/hsds/services?modified_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future).toMatchObject({ total_items: 0, empty: true });
    const past = await get('/hsds/services?modified_after=2020-01-01');
    expect(past.total_items).toBe(6);
  });

  it('returns the fully nested service: organization, service_at_locations with location, attributes with terms', async () => {
    const service = await get('/hsds/services/svc-debt-advice');
    expectValid(schemas['service']!, service);
    expect(service).toMatchObject({
      id: svcId('svc-debt-advice'),
      status: 'active',
      minimum_age: 18,
      organization: { id: orgId('org-money-matters'), name: 'Money Matters Advice' },
      service_at_locations: [
        {
          service_id: svcId('svc-debt-advice'),
          location: { id: locId('loc-money-matters-advice-centre'), latitude: 54.570104 },
        },
      ],
      languages: expect.arrayContaining([expect.objectContaining({ code: 'pl' })]),
    });
    const terms = (service['attributes'] as Array<Record<string, unknown>>).map((a) => a['taxonomy_term']);
    expect(terms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: termId('sp-need-debt'),
          code: 'sp-need-debt',
          taxonomy_id: taxonomyId('sp-needs'),
          name: 'Debt and money worries',
        }),
      ]),
    );
    expect(typeof service['last_modified']).toBe('string');
  });

  it('shows capacity (HSDS 3.1 service_capacity shape) and trust signals on services, verification on organizations', async () => {
    const service = await get('/hsds/services/svc-befriending');
    expect(service).toMatchObject({
      capacities: [
        expect.objectContaining({
          service_id: svcId('svc-befriending'),
          unit: expect.objectContaining({ name: expect.any(String) }),
        }),
      ],
      sp_capacity: expect.objectContaining({ status: expect.any(String), caseload: expect.any(Number) }),
      sp_trust: expect.objectContaining({ referrals_last_90_days: expect.any(Number) }),
    });
    const org = await get('/hsds/organizations/org-befriend-tees');
    expect(org['sp_verification']).toMatchObject({ verified: true });
  });

  it('lists service_at_locations nearest a postcode, within a proximity', async () => {
    const all = await get('/hsds/service_at_locations');
    expect(all.total_items).toBe(6);
    for (const sal of all.contents!) expectValid(schemas['service_at_location']!, sal);
    const near = await get('/hsds/service_at_locations?postcode=ts1%202ad&proximity=1km');
    const ids = near.contents!.map((s) => s['service_id']);
    expect(ids[0]).toBe(svcId('svc-link-workers'));
    expect(ids).toEqual(expect.arrayContaining([svcId('svc-befriending'), svcId('svc-debt-advice')]));
    expect(ids).not.toContain(svcId('svc-food-support')); // Stockton, about 5 km away
    const distances = near.contents!.map((s) => s['sp_distance_meters'] as number);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    const wide = await get('/hsds/service_at_locations?postcode=TS12AD&proximity=10000');
    expect(wide.total_items).toBe(6);
    const needs = await get('/hsds/service_at_locations?taxonomy_term_id=sp-need-food');
    expect(needs.contents!.map((s) => s['service_id'])).toEqual([svcId('svc-food-support')]);
  });

  it('returns one service_at_location fully nested: location, service with its organization, valid HSDS', async () => {
    const listed = await get('/hsds/service_at_locations?organization_id=org-money-matters');
    expect(listed.contents!.map((s) => s['service_id'])).toEqual([svcId('svc-debt-advice')]);
    const item = listed.contents![0]!;
    const sal = await get(`/hsds/service_at_locations/${String(item['id'])}`);
    expectValid(schemas['service_at_location']!, sal);
    expect(sal).toMatchObject({
      id: item['id'],
      service_id: svcId('svc-debt-advice'),
      location_id: locId('loc-money-matters-advice-centre'),
      location: { id: locId('loc-money-matters-advice-centre'), latitude: 54.570104 },
      service: {
        id: svcId('svc-debt-advice'),
        status: 'active',
        organization: { id: orgId('org-money-matters'), name: 'Money Matters Advice' },
      },
    });
    expectValid(schemas['location']!, sal['location']);
    expectValid(schemas['service']!, sal['service']);
    // The same record the list shows, with more nested.
    expect(sal).toMatchObject(item);
    // The one the service read nests is the same link.
    const service = await get('/hsds/services/svc-debt-advice');
    expect((service['service_at_locations'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      id: item['id'],
      location: sal['location'],
    });
  });

  it('lists and reads organizations, valid HSDS, with platform status and kind', async () => {
    const page = await get('/hsds/organizations?per_page=100');
    expect(page.total_items).toBe(8);
    for (const org of page.contents!) expectValid(schemas['organization']!, org);
    const org = await get('/hsds/organizations/org-riverside-practice');
    expectValid(schemas['organization']!, org);
    expect(org).toMatchObject({
      sp_kind: 'gp-practice',
      sp_status: 'active',
      organization_identifiers: [
        expect.objectContaining({ identifier: 'A81001' }),
        expect.objectContaining({ identifier: 'org-riverside-practice', identifier_type: 'Directory slug' }),
      ],
    });
    const vcs = await get('/hsds/organizations/org-befriend-tees');
    expect((vcs['services'] as unknown[]).length).toBe(1);
  });

  it('serves the platform need taxonomy and its terms', async () => {
    const taxonomies = await get('/hsds/taxonomies');
    for (const tx of taxonomies.contents!) expectValid(schemas['taxonomy']!, tx);
    expect(taxonomies.contents!.map((tx) => tx['id'])).toContain(taxonomyId('sp-needs'));
    expectValid(schemas['taxonomy']!, await get('/hsds/taxonomies/sp-needs'));
    const terms = await get('/hsds/taxonomy_terms?taxonomy_id=sp-needs&top_only=true&per_page=200');
    expect(terms.total_items).toBe(10);
    for (const term of terms.contents!) expectValid(schemas['taxonomy_term']!, term);
    expectValid(schemas['taxonomy_term']!, await get('/hsds/taxonomy_terms/sp-need-food'));
    expect((await get('/hsds/taxonomy_terms?parent_id=sp-need-food')).total_items).toBe(0);
  });

  it('validates every record of every read endpoint, list and by id, nested objects included, as HSDS 3.0', async () => {
    const endpoints: Array<[string, string]> = [
      ['services', 'service'],
      ['service_at_locations', 'service_at_location'],
      ['organizations', 'organization'],
      ['taxonomies', 'taxonomy'],
      ['taxonomy_terms', 'taxonomy_term'],
    ];
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    let read = 0;
    for (const [path, schema] of endpoints) {
      const page = await get(`/hsds/${path}?per_page=200`);
      expect(page.total_items).toBe(page.contents!.length);
      for (const item of page.contents!) {
        expectValid(schemas[schema]!, item);
        expect(String(item['id'])).toMatch(uuid);
        expectValid(schemas[schema]!, await get(`/hsds/${path}/${String(item['id'])}`));
        read += 1;
      }
    }
    expect(read).toBeGreaterThan(30);
  });

  it('names records by UUID and keeps their slugs: sp_slug, an organization identifier, and slugs resolve', async () => {
    const service = await get(`/hsds/services/${svcId('svc-befriending')}`);
    expect(service).toMatchObject({ id: svcId('svc-befriending'), sp_slug: 'svc-befriending' });
    expect(await get('/hsds/services/svc-befriending')).toEqual(service);
    const org = await get(`/hsds/organizations/${orgId('org-befriend-tees')}`);
    expect(org['organization_identifiers']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          organization_id: orgId('org-befriend-tees'),
          identifier_type: 'Directory slug',
          identifier: 'org-befriend-tees',
        }),
      ]),
    );
    expect((await get('/hsds/organizations/org-befriend-tees'))['id']).toBe(orgId('org-befriend-tees'));
    expect(await get(`/hsds/taxonomy_terms/${termId('sp-need-food')}`)).toMatchObject({
      code: 'sp-need-food',
      sp_slug: 'sp-need-food',
    });
  });

  it('answers unknown ids with 404 problem+json', async () => {
    for (const path of [
      '/hsds/services/nope',
      '/hsds/organizations/nope',
      '/hsds/taxonomies/nope',
      '/hsds/taxonomy_terms/nope',
      '/hsds/service_at_locations/nope',
    ]) {
      const res = await request(t.http).get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('names every bad query parameter in one 400', async () => {
    const res = await request(t.http)
      .get('/hsds/services?page=0&per_page=500&modified_after=yesterday&format=ndjson')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['format', 'modified_after', 'page', 'per_page']);
    const sal = await request(t.http)
      .get('/hsds/service_at_locations?proximity=far&postcode=nowhere')
      .expect(400);
    expect((sal.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual([
      'postcode',
      'proximity',
    ]);
    const terms = await request(t.http).get('/hsds/taxonomy_terms?top_only=maybe').expect(400);
    expect((terms.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
      'top_only',
    ]);
  });

  it('records provenance of every seeded record in the metadata table, valid as HSDS metadata', async () => {
    const rows = await t.store.metadata.find({ resource_id: svcId('svc-debt-advice') }).toArray();
    expect(rows.length).toBeGreaterThan(0);
    const { _id, sp, ...row } = rows[0]!;
    expect(sp.source).toBe('demo-seed');
    expectValid(schemas['metadata']!, row);
    expect(row).toMatchObject({ resource_type: 'service', last_action_type: 'create', updated_by: 'seed' });
    void _id;
  });

  // Last: it adds organisations and services that the counts above do not expect.
  it('does not show a service_at_location whose service is withdrawn or whose organisation is suspended', async () => {
    const run = uniqueName('sal').replace(/[^A-Za-z0-9-]/g, '');
    const ops = await t.bearer('ops', orgId('org-tees-valley-pcn'));
    const post = async (path: string, token: string, body: Record<string, unknown>) =>
      (
        await request(t.http)
          .post(path)
          .set('Authorization', token)
          .send(body)
          .expect((res) => {
            if (res.status !== 200 && res.status !== 201)
              throw new Error(`${path}: ${res.status} ${res.text}`);
          })
      ).body as Record<string, unknown>;
    const listedIds = async () =>
      (await get('/hsds/service_at_locations?per_page=200')).contents!.map((s) => s['id']);
    /** An organisation with one service at one location: the service_at_location id. */
    const site = async (name: string): Promise<{ org: string; service: string; sal: string }> => {
      const org = `org-${name}-${run}`;
      const service = `svc-${name}-${run}`;
      const location = `loc-${name}-${run}`;
      await post('/v1/directory/organizations', ops, {
        id: org,
        name: `Org ${name}`,
        description: 'A test organisation',
        kind: 'vcs',
      });
      const admin = await t.bearer('provider', org);
      await post('/v1/directory/services', admin, {
        id: service,
        organization_id: org,
        name: `Service ${name}`,
        description: 'Helps',
        url: `https://${name}.example.org/`,
        status: 'active',
        attributes: [{ taxonomy_term_id: 'sp-need-debt' }],
      });
      await post('/v1/directory/locations', admin, {
        id: location,
        organization_id: org,
        location_type: 'physical',
        name: 'Hall',
        latitude: 54.57,
        longitude: -1.23,
      });
      const link = await post('/v1/directory/service_at_locations', admin, {
        service_id: service,
        location_id: location,
      });
      return { org: orgId(org), service: svcId(service), sal: String(link['id']) };
    };
    const expect404 = async (path: string) => {
      const res = await request(t.http).get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    };

    const withdrawn = await site('withdrawn');
    expectValid(schemas['service_at_location']!, await get(`/hsds/service_at_locations/${withdrawn.sal}`));
    expect(await listedIds()).toContain(withdrawn.sal);
    await post(`/v1/directory/services/${withdrawn.service}/withdraw`, ops, {});
    await expect404(`/hsds/service_at_locations/${withdrawn.sal}`);
    await expect404(`/hsds/services/${withdrawn.service}`);
    expect(await listedIds()).not.toContain(withdrawn.sal);

    const suspended = await site('suspended');
    expect((await get(`/hsds/service_at_locations/${suspended.sal}`))['service_id']).toBe(suspended.service);
    await post(`/v1/directory/organizations/${suspended.org}/suspend`, ops, {
      reasonCode: 'safeguarding-concern',
    });
    await expect404(`/hsds/service_at_locations/${suspended.sal}`);
    await expect404(`/hsds/services/${suspended.service}`);
    expect(await listedIds()).not.toContain(suspended.sal);
    await post(`/v1/directory/organizations/${suspended.org}/reinstate`, ops, {});
    expect((await get(`/hsds/service_at_locations/${suspended.sal}`))['service_id']).toBe(suspended.service);
  });
});
