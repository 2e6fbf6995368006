// Two instances of the organisations service on ONE database (as in production): concurrent
// management writes of one record through both lose no change, a registration raced on both
// answers one 201 and one 409, instances booting together share one signing key, and an import
// running on one instance is not failed by another booting.
import request from 'supertest';
import type { Connection } from 'mongoose';
import { TokenIssuer } from '@sp/identity';
import { collectionOf, connectMongo, MONGO_CONNECTION } from '@sp/persistence';
import { testDatabaseName, testInfra, waitFor } from '@sp/testing';
import { initialReport } from '../src/import/import-runner';
import { IMPORT_STALE_AFTER_MS, ImportRepository } from '../src/import/import.repository';
import { SigningKeyRepository } from '../src/signing-keys/signing-key.repository';
import { sharedSetup, startTestApp, type TestApp, orgId as orgUuid, svcId } from './hsds-test-app';

jest.setTimeout(180_000);

type Body = Record<string, unknown>;

describe('two instances of the service on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let n = 0;
  const id = (kind: string) => `${kind}-two-${Date.now().toString(36)}-${++n}`;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ share: a.shared });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const ops = (t: TestApp) => t.bearer('ops', orgUuid('org-tees-valley-pcn'));
  const orgBody = (orgId: string, description: string): Body => ({
    name: `Org ${orgId}`,
    description,
    charity_number: '1234567',
  });
  const serviceBody = (orgId: string, name: string): Body => ({
    organization_id: orgId,
    name,
    description: 'Helps',
    url: 'https://two-instances.example.org/service',
    status: 'active',
    attributes: [{ taxonomy_term_id: 'sp-need-debt' }],
    languages: [{ code: 'en' }],
  });

  it('applies concurrent management writes of one record through both instances, losing no change', async () => {
    const pairs = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async () => {
        const orgId = id('org');
        const serviceId = id('svc');
        await request(a.http)
          .post('/v1/directory/organizations')
          .set('Authorization', await ops(a))
          .send({ id: orgId, kind: 'vcs', ...orgBody(orgId, 'First description') })
          .expect(201);
        await request(a.http)
          .post('/v1/directory/services')
          .set('Authorization', await a.bearer('provider', orgId))
          .send({ id: serviceId, ...serviceBody(orgId, 'First name') })
          .expect(201);
        return { orgId, serviceId };
      }),
    );

    // On each record at once: a content change through one instance, a status change through the other.
    await Promise.all(
      pairs.flatMap(({ orgId, serviceId }) => [
        (async () =>
          request(a.http)
            .put(`/v1/directory/services/${serviceId}`)
            .set('Authorization', await a.bearer('provider', orgId))
            .send(serviceBody(orgId, 'Renamed'))
            .expect(200))(),
        (async () =>
          request(b.http)
            .post(`/v1/directory/services/${serviceId}/withdraw`)
            .set('Authorization', await b.bearer('provider', orgId))
            .send({})
            .expect(200))(),
        (async () =>
          request(a.http)
            .put(`/v1/directory/organizations/${orgId}`)
            .set('Authorization', await a.bearer('provider', orgId))
            .send(orgBody(orgId, 'Second description'))
            .expect(200))(),
        (async () =>
          request(b.http)
            .post(`/v1/directory/organizations/${orgId}/suspend`)
            .set('Authorization', await ops(b))
            .send({ reasonCode: 'safeguarding-concern' })
            .expect(200))(),
      ]),
    );

    // Provenance names records by UUID (the test registered them by slug).
    const rows = (slug: string, field: string) =>
      a.store.metadata.countDocuments({
        resource_id: slug.startsWith('svc-') ? svcId(slug) : orgUuid(slug),
        field_name: field,
      });
    for (const { orgId, serviceId } of pairs) {
      for (const t of [a, b]) {
        const service = await request(t.http)
          .get(`/v1/directory/services/${serviceId}`)
          .set('Authorization', await ops(t))
          .expect(200);
        expect(service.body).toMatchObject({ name: 'Renamed', sp_publication: 'withdrawn' });
        const organisation = await request(t.http)
          .get(`/v1/directory/organizations/${orgId}`)
          .set('Authorization', await ops(t))
          .expect(200);
        expect(organisation.body).toMatchObject({
          description: 'Second description',
          sp_status: 'suspended',
        });
      }
      // Each change recorded once, as a change of the record it was made to.
      expect(await rows(serviceId, 'name')).toBe(1);
      expect(await rows(serviceId, 'sp.publication')).toBe(1);
      expect(await rows(orgId, 'description')).toBe(1);
      expect(await rows(orgId, 'sp.status')).toBe(1);
    }
  });

  it('answers one of two concurrent registrations of one id 201 and the other 409', async () => {
    const ids = [1, 2, 3, 4, 5].map(() => id('org-race'));
    const statuses = await Promise.all(
      ids.map(async (orgId) => {
        const answers = await Promise.all(
          [a, b].map(async (t) =>
            request(t.http)
              .post('/v1/directory/organizations')
              .set('Authorization', await ops(t))
              .send({
                id: orgId,
                kind: 'vcs',
                ...orgBody(orgId, `Registered through ${t === a ? 'a' : 'b'}`),
              }),
          ),
        );
        return answers.map((r) => r.status).sort();
      }),
    );
    expect(statuses).toEqual(ids.map(() => [201, 409]));
    for (const orgId of ids) {
      expect(
        await a.store.metadata.countDocuments({ resource_id: orgUuid(orgId), last_action_type: 'create' }),
      ).toBe(1);
    }
  });

  it('boots two instances at once on a new database, both signing with ONE key kept there', async () => {
    const shared = await sharedSetup();
    const booted = await Promise.all(
      [1, 2].map(() => startTestApp({ share: shared, seed: false, keyInDatabase: true })),
    );
    try {
      const jwks = await Promise.all(
        booted.map(async (t) => (await request(t.http).get('/.well-known/jwks.json').expect(200)).body),
      );
      expect(jwks[0].keys).toHaveLength(1);
      expect(jwks[1]).toEqual(jwks[0]);
      const connection = booted[0]!.app.get<Connection>(MONGO_CONNECTION);
      expect(await collectionOf(connection, 'signing_keys').countDocuments({})).toBe(1);
    } finally {
      for (const t of booted) await t.close();
      await shared.close();
    }
  });

  it('creates the signing key once when every instance finds none at the same time', async () => {
    const db = testDatabaseName('orgkeyrace');
    const connections = await Promise.all([1, 2].map(() => connectMongo(testInfra.mongoUrlFor(db))));
    try {
      const callers = 6;
      let generating = 0;
      // Each caller generates its candidate only once all of them have found no key.
      const generate = async () => {
        generating += 1;
        await waitFor(() => generating === callers, {
          timeoutMs: 30_000,
          description: 'every caller generating',
        });
        return (await TokenIssuer.generateKeyPair()).privateJwk;
      };
      const keys = await Promise.all(
        Array.from({ length: callers }, (_, i) =>
          new SigningKeyRepository(connections[i % 2]!).loadOrCreate(generate),
        ),
      );
      const stored = await collectionOf(connections[0]!, 'signing_keys').find({}).toArray();
      expect(stored).toHaveLength(1);
      for (const key of keys) expect(key).toEqual(stored[0]!['privateJwk']);
    } finally {
      await connections[0]?.db?.dropDatabase();
      for (const c of connections) await c.close();
    }
  });

  it('leaves an import another instance is running alone, and fails one whose instance stopped', async () => {
    const imports = new ImportRepository(a.app.get<Connection>(MONGO_CONNECTION));
    const now = new Date();
    const origin = { runner: 'service' as const, requestedBy: 'test', source: {} };
    const live = initialReport(id('import-live'), 'json', now);
    const orphan = initialReport(id('import-orphan'), 'json', now);
    await imports.begin(live, origin, now);
    await imports.begin(orphan, origin, new Date(now.getTime() - IMPORT_STALE_AFTER_MS - 1_000));

    // What a booting instance (or any instance's periodic check) does.
    expect(await imports.failInterrupted(now)).toBe(1);
    expect((await imports.find(live.importId))?.status).toBe('running');
    expect(await imports.find(orphan.importId)).toMatchObject({ status: 'failed' });

    // The stopped instance's last words cannot undo that; the live one's progress still counts.
    await imports.progress({ ...orphan, status: 'completed', processed: 5 });
    expect((await imports.find(orphan.importId))?.status).toBe('failed');
    await imports.progress({ ...live, processed: 7 });
    expect((await imports.find(live.importId))?.processed).toBe(7);
  });
});
