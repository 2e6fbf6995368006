// Matching over a seeded directory on the real stack: postcodes from the shipped sample table,
// verification and capacity through the demo seed hook, then order, reasons, exclusions and bad
// input of POST /v1/directory/match.
import request from 'supertest';
import { collectionOf } from '@sp/persistence';
import { uniqueName } from '@sp/testing';
import { importSamplePostcodes, seedDemoSignals } from '../src/signals/signals.wiring';
import { AssuranceService } from '../src/trust/assurance.service';
import { ServiceSignalsUpdater } from '../src/signals/service-signals.updater';
import { seedDirectory, startSignalsHarness, type SignalsHarness } from './trust-capacity-harness';
import { testUuid, termId } from './hsds-test-app';

jest.setTimeout(120_000);

// Positions from the sample postcode table.
const MIDDLESBROUGH = { latitude: 54.576012, longitude: -1.234791 }; // TS1 2AD
const STOCKTON = { latitude: 54.570012, longitude: -1.318003 }; // TS18 1AA
const HARTLEPOOL = { latitude: 54.689005, longitude: -1.211008 }; // TS24 7AA
const LEEDS = { latitude: 53.796003, longitude: -1.548002 }; // LS1 4AP

describe('POST /v1/directory/match', () => {
  let h: SignalsHarness;
  const run = uniqueName('m').replace(/-/g, '');
  // Directory ids are UUIDs (the store's records): each test record gets one from its name.
  const id = (name: string) => testUuid(`${name}-${run}`);
  const LONELY = termId(`need-lonely-${run}`);
  const DEBT = termId(`need-debt-${run}`);

  beforeAll(async () => {
    h = await startSignalsHarness('orgmatch');
    await importSamplePostcodes(h.connection);
    await seedDirectory(
      h.connection,
      [
        { id: id('org-a'), kind: 'vcs', name: 'Befriend Tees' },
        { id: id('org-b'), kind: 'vcs', name: 'Money Matters' },
        { id: id('org-c'), kind: 'vcs', name: 'Hartlepool Hub' },
        { id: id('org-d'), kind: 'vcs', name: 'Unverified Friends' },
        { id: id('org-e'), kind: 'vcs', name: 'Leeds Link' },
        { id: id('org-f'), kind: 'vcs', name: 'Suspended Society', status: 'suspended' },
        { id: id('org-pcn'), kind: 'link-worker-service', odsCode: 'U81234', name: 'PCN' },
      ],
      [
        {
          id: id('svc-both-near'),
          organisationId: id('org-a'),
          terms: [LONELY, DEBT],
          sites: [MIDDLESBROUGH],
        },
        { id: id('svc-debt-stockton'), organisationId: id('org-b'), terms: [DEBT], sites: [STOCKTON] },
        {
          id: id('svc-both-hartlepool'),
          organisationId: id('org-c'),
          terms: [LONELY, DEBT],
          sites: [HARTLEPOOL],
        },
        { id: id('svc-full'), organisationId: id('org-a'), terms: [LONELY, DEBT], sites: [MIDDLESBROUGH] },
        { id: id('svc-unverified'), organisationId: id('org-d'), terms: [LONELY], sites: [MIDDLESBROUGH] },
        { id: id('svc-leeds'), organisationId: id('org-e'), terms: [LONELY], sites: [LEEDS] },
        { id: id('svc-suspended'), organisationId: id('org-f'), terms: [LONELY], sites: [MIDDLESBROUGH] },
        {
          id: id('svc-over-65'),
          organisationId: id('org-b'),
          terms: [LONELY],
          minimumAge: 65,
          sites: [STOCKTON],
        },
        { id: id('svc-link-workers'), organisationId: id('org-pcn'), terms: [LONELY], sites: [STOCKTON] },
      ],
    );
    // Evidence for every VCS organisation and a declared capacity for their services...
    await seedDemoSignals(h.connection);
    // ...then org-d loses its safeguarding policy and svc-full has no places left.
    await h.app.get(AssuranceService).revoke(id('org-d'), 'safeguarding-policy', 'platform-ops');
    await h.app.get(ServiceSignalsUpdater).declare(id('svc-full'), id('org-a'), {
      status: 'has-capacity',
      unit: 'places',
      maximum: 0,
      typicalWaitDays: 21,
      updated: new Date().toISOString(),
      updatedBy: 'platform-ops',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const referrer = () => h.bearer({ organisationId: 'org-gp', role: 'referrer' });

  it('ranks eligible services by fit, distance, capacity and trust, full ones last, with reasons', async () => {
    const res = await request(h.http)
      .post('/v1/directory/match')
      .set('Authorization', await referrer())
      .send({ needs: [LONELY, DEBT], postcode: ' ts1  2ad ', age: 40 })
      .expect(200);
    expect(res.body.origin).toMatchObject({ postcode: 'TS1 2AD' });
    expect(res.body.results.map((r: { serviceId: string }) => r.serviceId)).toEqual([
      id('svc-both-near'), // 2 of 2, 0 km
      id('svc-both-hartlepool'), // 2 of 2, ~12.6 km
      id('svc-debt-stockton'), // 1 of 2, ~5.4 km
      id('svc-link-workers'), // 1 of 2, ~5.4 km, NHS (verified by ODS), capacity not declared
      id('svc-full'), // full: last, with its wait
    ]);
    const [first] = res.body.results;
    expect(first.reasons.map((r: { text: string }) => r.text)).toEqual([
      'covers 2 of 2 needs',
      '0.0 km away',
      '10 places available',
      'no referral history yet',
      'verified organisation',
    ]);
    expect(first.components).toEqual({ fit: 1, distance: 1, capacity: 1, trust: 0.5 });
    const full = res.body.results[4];
    expect(full.full).toBe(true);
    expect(full.reasons).toContainEqual({
      code: 'waitlist',
      text: 'full: 0 on the waitlist, estimated wait about 21 days',
      waitlistLength: 0,
      estimatedWaitDays: 21,
    });
    const excluded = Object.fromEntries(
      res.body.excluded.map((e: { serviceId: string; reasons: Array<{ code: string }> }) => [
        e.serviceId,
        e.reasons.map((r) => r.code),
      ]),
    );
    expect(excluded).toEqual({
      [id('svc-leeds')]: ['out_of_radius'],
      [id('svc-over-65')]: ['too_young'],
      [id('svc-suspended')]: ['organisation_suspended'],
      [id('svc-unverified')]: ['organisation_unverified'],
    });
  });

  it('accepts coordinates instead of a postcode, and a wider radius', async () => {
    const res = await request(h.http)
      .post('/v1/directory/match')
      .set('Authorization', await h.bearer({ organisationId: 'org-x', role: 'provider' }))
      .send({ needs: [LONELY], location: MIDDLESBROUGH, radiusKm: 200, limit: 3 })
      .expect(200);
    expect(res.body.total).toBe(6); // incl. Leeds, now within 200 km
    expect(res.body.results).toHaveLength(3);
  });

  it('answers bad input with field errors', async () => {
    const post = async (body: unknown) =>
      request(h.http)
        .post('/v1/directory/match')
        .set('Authorization', await referrer())
        .send(body as object);
    await request(h.http)
      .post('/v1/directory/match')
      .send({ needs: [LONELY], postcode: 'TS1 2AD' })
      .expect(401);

    const shape = await post({ needs: [], postcode: 'TS1 2AD', age: -1, radiusKm: 0 });
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'age',
      'needs',
      'radiusKm',
    ]);

    const noPlace = await post({ needs: [LONELY] });
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.errors).toEqual([expect.objectContaining({ field: 'postcode', code: 'required' })]);

    const unknown = await post({ needs: [LONELY], postcode: 'ZZ9 9ZZ' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'postcode', code: 'unknown_postcode' }),
    ]);

    const malformed = await post({ needs: [LONELY], postcode: 'not a postcode' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([
      expect.objectContaining({ field: 'postcode', code: 'invalid_postcode' }),
    ]);
  });

  it('reads the postcode table the sample import wrote', async () => {
    expect(await collectionOf(h.connection, 'postcodes').countDocuments({})).toBeGreaterThanOrEqual(50);
  });
});
