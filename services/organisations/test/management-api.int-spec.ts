/**
 * The directory management API on the real database and Kafka: access rules for every endpoint,
 * bad input refused with every field named and nothing written, and directory events written to
 * the outbox and published to Kafka keyed by organisation.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import request from 'supertest';
import { Topics } from '@sp/contracts';
import { ensureTopics } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import { startTestApp, type TestApp, svcId, orgId as orgUuid, locId, termId } from './hsds-test-app';

type Body = Record<string, unknown>;
interface Received {
  key: string;
  type: string;
  data: Body;
}

describe('directory management API (/v1/directory)', () => {
  let t: TestApp;
  let consumer: Consumer;
  const received: Received[] = [];
  const run = uniqueName('mgmt').replace(/[^A-Za-z0-9-]/g, '');
  let n = 0;
  const id = (kind: string) => `${kind}-${run}-${++n}`;

  const ops = () => t.bearer('ops', orgUuid('org-tees-valley-pcn'));
  const admin = (org: string) => t.bearer('provider', org);

  async function registerOrg(orgId = id('org')): Promise<string> {
    await request(t.http)
      .post('/v1/directory/organizations')
      .set('Authorization', await ops())
      .send({
        id: orgId,
        name: `Org ${orgId}`,
        description: 'A test organisation',
        kind: 'vcs',
        charity_number: '1234567',
      })
      .expect(201);
    // Registered by slug, named by its UUID from then on (the slug still resolves).
    return orgUuid(orgId);
  }
  const serviceBody = (orgId: string, extra: Body = {}): Body => ({
    organization_id: orgId,
    name: 'Test service',
    description: 'Helps',
    url: 'https://test-service.example.org/',
    status: 'active',
    minimum_age: 18,
    attributes: [{ taxonomy_term_id: 'sp-need-debt' }],
    languages: [{ code: 'en' }],
    ...extra,
  });
  async function publish(orgId: string, serviceId = id('svc')): Promise<string> {
    await request(t.http)
      .post('/v1/directory/services')
      .set('Authorization', await admin(orgId))
      .send({ id: serviceId, ...serviceBody(orgId) })
      .expect(201);
    return svcId(serviceId);
  }
  const locationBody = (orgId: string): Body => ({
    organization_id: orgId,
    location_type: 'physical',
    name: 'Hall',
    latitude: 54.57,
    longitude: -1.23,
    addresses: [
      {
        address_1: '1 High St',
        city: 'Middlesbrough',
        state_province: 'North Yorkshire',
        postal_code: 'TS1 2AD',
        country: 'GB',
        address_type: 'physical',
      },
    ],
  });
  async function createLocation(orgId: string, locationId = id('loc')): Promise<string> {
    await request(t.http)
      .post('/v1/directory/locations')
      .set('Authorization', await admin(orgId))
      .send({ id: locationId, ...locationBody(orgId) })
      .expect(201);
    return locationId;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const kafka = new Kafka({
      clientId: `test-${run}`,
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    consumer = kafka.consumer({ groupId: `test-${run}` });
    await consumer.connect();
    // On a fresh broker the topic may not exist yet when this spec runs first.
    await ensureTopics({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` }, [Topics.directory], {
      logger: createLogger('test', 'warn'),
    });
    await consumer.subscribe({ topic: Topics.directory.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        const data = JSON.parse(message.value?.toString() ?? '{}') as Body;
        // Ids are UUIDs (no run name in them): tests pick their events by organisation key.
        received.push({ key: message.key?.toString() ?? '', type: header('ce_type'), data });
      },
    });
  });
  afterAll(async () => {
    await consumer.disconnect();
    await t.close();
  });

  describe('access rules', () => {
    interface Case {
      name: string;
      method: 'post' | 'put' | 'delete';
      /** Prepares the entities; returns the path, the body and the organisation that owns the target. */
      setup(): Promise<{ path: string; body?: Body; owner: string }>;
      /** Whether the owning organisation's own admin may call it. */
      ownAdmin: boolean;
    }
    const cases: Case[] = [
      {
        name: 'POST organizations',
        method: 'post',
        ownAdmin: false,
        setup: async () => {
          const orgId = id('org');
          return {
            path: '/v1/directory/organizations',
            owner: orgId,
            body: { id: orgId, name: 'New', description: 'New org', kind: 'vcs' },
          };
        },
      },
      {
        name: 'PUT organizations/{id}',
        method: 'put',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          return {
            path: `/v1/directory/organizations/${orgId}`,
            owner: orgId,
            body: { name: 'Renamed', description: 'Still here' },
          };
        },
      },
      {
        name: 'POST organizations/{id}/suspend',
        method: 'post',
        ownAdmin: false,
        setup: async () => {
          const orgId = await registerOrg();
          return {
            path: `/v1/directory/organizations/${orgId}/suspend`,
            owner: orgId,
            body: { reasonCode: 'safeguarding-concern' },
          };
        },
      },
      {
        name: 'POST organizations/{id}/reinstate',
        method: 'post',
        ownAdmin: false,
        setup: async () => {
          const orgId = await registerOrg();
          return { path: `/v1/directory/organizations/${orgId}/reinstate`, owner: orgId, body: {} };
        },
      },
      {
        name: 'POST services',
        method: 'post',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          return { path: '/v1/directory/services', owner: orgId, body: serviceBody(orgId) };
        },
      },
      {
        name: 'PUT services/{id}',
        method: 'put',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          const serviceId = await publish(orgId);
          return {
            path: `/v1/directory/services/${serviceId}`,
            owner: orgId,
            body: serviceBody(orgId, { name: 'Renamed' }),
          };
        },
      },
      {
        name: 'POST services/{id}/withdraw',
        method: 'post',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          return { path: `/v1/directory/services/${await publish(orgId)}/withdraw`, owner: orgId, body: {} };
        },
      },
      {
        name: 'POST locations',
        method: 'post',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          return { path: '/v1/directory/locations', owner: orgId, body: locationBody(orgId) };
        },
      },
      {
        name: 'PUT locations/{id}',
        method: 'put',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          return {
            path: `/v1/directory/locations/${await createLocation(orgId)}`,
            owner: orgId,
            body: locationBody(orgId),
          };
        },
      },
      {
        name: 'POST service_at_locations',
        method: 'post',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          const body = { service_id: await publish(orgId), location_id: await createLocation(orgId) };
          return { path: '/v1/directory/service_at_locations', owner: orgId, body };
        },
      },
      {
        name: 'DELETE service_at_locations/{id}',
        method: 'delete',
        ownAdmin: true,
        setup: async () => {
          const orgId = await registerOrg();
          const res = await request(t.http)
            .post('/v1/directory/service_at_locations')
            .set('Authorization', await ops())
            .send({ service_id: await publish(orgId), location_id: await createLocation(orgId) })
            .expect(201);
          return {
            path: `/v1/directory/service_at_locations/${String((res.body as Body)['id'])}`,
            owner: orgId,
          };
        },
      },
    ];

    it.each(cases)(
      "$name: 401 without a token, 403 for a referrer and for another organisation's admin, ok for the right callers",
      async (c) => {
        const { path, body, owner } = await c.setup();
        const call = (auth?: string) => {
          const req = request(t.http)[c.method](path);
          if (auth) req.set('Authorization', auth);
          return body ? req.send(body) : req;
        };
        const anonymous = await call();
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((await call(await t.bearer('referrer', owner))).status).toBe(403);
        expect((await call(await admin(orgUuid('org-befriend-tees')))).status).toBe(403);
        expect((await call(await t.bearer('link-worker', orgUuid('org-tees-valley-pcn')))).status).toBe(403);
        const own = await call(await admin(owner));
        if (c.ownAdmin) {
          expect([200, 201, 204]).toContain(own.status);
        } else {
          expect(own.status).toBe(403);
          const byOps = await call(await ops());
          expect([200, 201]).toContain(byOps.status);
        }
      },
    );
  });

  describe('bad input', () => {
    const count = (table: 'organizations' | 'services' | 'locations' | 'service_at_locations') =>
      t.store.collection(table).countDocuments({});
    const fieldsOf = (body: unknown) =>
      ((body as { errors: Array<{ field: string }> }).errors ?? []).map((e) => e.field).sort();

    it('refuses a service with every problem named and writes nothing', async () => {
      const orgId = await registerOrg();
      const before = await Promise.all([count('services'), t.store.metadata.countDocuments({})]);
      const shape = await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', await admin(orgId))
        .send({ organization_id: orgId, status: 'open', colour: 'blue', attributes: [{}] })
        .expect(400);
      expect(shape.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(shape.body)).toEqual([
        'attributes[0].taxonomy_term_id',
        'colour',
        'name',
        'status',
        'url',
      ]);
      const rules = await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', await admin(orgId))
        .send(
          serviceBody(orgId, {
            minimum_age: 70,
            maximum_age: 20.5,
            languages: [{ code: 'English' }],
            attributes: [{ taxonomy_term_id: 'no-such-term' }],
          }),
        )
        .expect(400);
      expect(fieldsOf(rules.body)).toEqual([
        'attributes[0].taxonomy_term_id',
        'languages[0].code',
        'maximum_age',
        'maximum_age',
      ]);
      const refs = await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', await ops())
        .send(
          serviceBody(orgUuid('org-that-does-not-exist'), {
            attributes: [{ taxonomy_term_id: 'no-such-term' }],
          }),
        )
        .expect(422);
      expect(fieldsOf(refs.body)).toEqual(['attributes[0].taxonomy_term_id', 'organization_id']);
      expect(await Promise.all([count('services'), t.store.metadata.countDocuments({})])).toEqual(before);
    });

    it('refuses a service without a web url (Open Referral UK requires service.url), naming url', async () => {
      const orgId = await registerOrg();
      const serviceId = await publish(orgId);
      const before = await Promise.all([count('services'), t.store.metadata.countDocuments({})]);
      const { url: _omitted, ...withoutUrl } = serviceBody(orgId);
      const created = await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', await admin(orgId))
        .send(withoutUrl)
        .expect(400);
      expect(created.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(created.body)).toEqual(['url']);
      const updated = await request(t.http)
        .put(`/v1/directory/services/${serviceId}`)
        .set('Authorization', await admin(orgId))
        .send(withoutUrl)
        .expect(400);
      expect(fieldsOf(updated.body)).toEqual(['url']);
      const notWeb = await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', await admin(orgId))
        .send(serviceBody(orgId, { url: 'ftp://files.example.org/service' }))
        .expect(400);
      expect(fieldsOf(notWeb.body)).toEqual(['url']);
      expect(await Promise.all([count('services'), t.store.metadata.countDocuments({})])).toEqual(before);
      const served = await request(t.http).get(`/hsds/services/${serviceId}`).expect(200);
      expect(served.body).toMatchObject({ url: 'https://test-service.example.org/' });
    });

    it('refuses out-of-range coordinates and a broken link, and writes nothing', async () => {
      const orgId = await registerOrg();
      const before = await Promise.all([count('locations'), count('service_at_locations')]);
      const res = await request(t.http)
        .post('/v1/directory/locations')
        .set('Authorization', await admin(orgId))
        .send({ ...locationBody(orgId), latitude: 91, longitude: -181 })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['latitude', 'longitude']);
      const link = await request(t.http)
        .post('/v1/directory/service_at_locations')
        .set('Authorization', await ops())
        .send({ service_id: svcId('svc-nope'), location_id: locId('loc-nope') })
        .expect(422);
      expect(fieldsOf(link.body)).toEqual(['location_id', 'service_id']);
      expect(await Promise.all([count('locations'), count('service_at_locations')])).toEqual(before);
    });

    it('refuses a second registration of an id (409) and a suspension without a reason (400)', async () => {
      const orgId = await registerOrg();
      await request(t.http)
        .post('/v1/directory/organizations')
        .set('Authorization', await ops())
        .send({ id: orgId, name: 'Again', description: 'Again', kind: 'vcs' })
        .expect(409);
      const res = await request(t.http)
        .post(`/v1/directory/organizations/${orgId}/suspend`)
        .set('Authorization', await ops())
        .send({})
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['reasonCode']);
      expect((await t.store.find('organizations', orgId))?.sp?.status).toBe('active');
    });

    it('answers 404 for unknown targets', async () => {
      await request(t.http)
        .put('/v1/directory/services/svc-unknown')
        .set('Authorization', await ops())
        .send(serviceBody(orgUuid('org-befriend-tees')))
        .expect(404);
      await request(t.http)
        .post('/v1/directory/services/svc-unknown/withdraw')
        .set('Authorization', await ops())
        .send({})
        .expect(404);
      await request(t.http)
        .post('/v1/directory/organizations/org-unknown/suspend')
        .set('Authorization', await ops())
        .send({ reasonCode: 'x' })
        .expect(404);
    });
  });

  describe('directory events', () => {
    it('registers, publishes, updates, withdraws, re-publishes, suspends and reinstates, each event on Kafka keyed by organisation', async () => {
      const orgId = await registerOrg();
      const serviceId = await publish(orgId);
      const auth = await ops();
      // Listing unchanged (description only): no event. Listing changed (languages): service.updated.
      await request(t.http)
        .put(`/v1/directory/services/${serviceId}`)
        .set('Authorization', auth)
        .send(serviceBody(orgId, { description: 'Helps more' }))
        .expect(200);
      await request(t.http)
        .put(`/v1/directory/services/${serviceId}`)
        .set('Authorization', auth)
        .send(serviceBody(orgId, { description: 'Helps more', languages: [{ code: 'en' }, { code: 'pl' }] }))
        .expect(200);
      await request(t.http)
        .post(`/v1/directory/services/${serviceId}/withdraw`)
        .set('Authorization', auth)
        .send({})
        .expect(200);
      await request(t.http).get(`/hsds/services/${serviceId}`).expect(404);
      await request(t.http)
        .post('/v1/directory/services')
        .set('Authorization', auth)
        .send({ id: serviceId, ...serviceBody(orgId) })
        .expect(200);
      await request(t.http)
        .post(`/v1/directory/organizations/${orgId}/suspend`)
        .set('Authorization', auth)
        .send({ reasonCode: 'safeguarding-concern' })
        .expect(200);
      await request(t.http).get(`/hsds/services/${serviceId}`).expect(404);
      await request(t.http)
        .post(`/v1/directory/organizations/${orgId}/reinstate`)
        .set('Authorization', auth)
        .send({})
        .expect(200);
      await request(t.http).get(`/hsds/services/${serviceId}`).expect(200);

      const expected = [
        'organisation.registered',
        'service.published',
        'service.updated',
        'service.withdrawn',
        'service.published',
        'organisation.suspended',
        'organisation.reinstated',
      ];
      const mine = () => received.filter((r) => r.key === orgId);
      await waitFor(() => mine().length >= expected.length, { timeoutMs: 30_000 });
      const typeOf = (r: Received) =>
        r.type.replace(/^.*\.(organisation|service)\./, '$1.').replace(/\.v\d+$/, '');
      // Every event is keyed by the organisation (one partition). Order is guaranteed per aggregate
      // (the organisation's events among themselves, the service's among themselves); across the two
      // documents the relay follows write time within a pass but a poll can split them
      // (docs/event-catalogue.md), so the interleaving is not asserted.
      const types = mine().map(typeOf);
      expect(types.filter((t) => t.startsWith('organisation.'))).toEqual(
        expected.filter((t) => t.startsWith('organisation.')),
      );
      expect(types.filter((t) => t.startsWith('service.'))).toEqual(
        expected.filter((t) => t.startsWith('service.')),
      );
      expect(types).toHaveLength(expected.length);
      const events = mine();
      const organisationEvents = events.filter((r) => typeOf(r).startsWith('organisation.'));
      const serviceEvents = events.filter((r) => typeOf(r).startsWith('service.'));
      expect(organisationEvents[0]!.data).toMatchObject({ organisationId: orgId, kind: 'vcs' });
      expect(serviceEvents[0]!.type).toMatch(/service\.published\.v2$/);
      expect(serviceEvents[0]!.data).toMatchObject({
        serviceId,
        organisationId: orgId,
        status: 'active',
        taxonomyTermIds: [termId('sp-need-debt')],
        needCodes: ['sp-need-debt'],
        minimumAge: 18,
        languages: ['en'],
      });
      expect(serviceEvents[1]!.data).toMatchObject({ serviceId, languages: ['en', 'pl'] });
      expect(organisationEvents[1]!.data).toMatchObject({
        organisationId: orgId,
        reasonCode: 'safeguarding-concern',
      });
      // The outbox is drained once published.
      await waitFor(
        async () =>
          (await t.store.collection('services').findOne({ _id: serviceId }))?.['outboxPending'] !== true,
        { timeoutMs: 30_000 },
      );
      // Provenance: who changed what.
      const rows = await t.store.metadata
        .find({ resource_id: serviceId, last_action_type: 'update' })
        .toArray();
      expect(rows.map((r) => r.field_name)).toEqual(
        expect.arrayContaining(['description', 'languages', 'sp.publication']),
      );
    });

    it('writes nothing and emits nothing when the same record is written twice', async () => {
      const orgId = await registerOrg();
      const serviceId = await publish(orgId);
      const record = await t.store.find('services', serviceId);
      const rows = await t.store.metadata.countDocuments({ resource_id: serviceId });
      const { _id, sp, outbox, outboxPending, outboxRelayPass, ...content } = record as Body & {
        _id: string;
      };
      void [_id, sp, outbox, outboxPending, outboxRelayPass];
      const result = await t.store.upsert('services', content as Body & { id: string }, {
        updatedBy: 'test',
        source: 'test',
      });
      expect(result.outcome).toBe('unchanged');
      expect(await t.store.metadata.countDocuments({ resource_id: serviceId })).toBe(rows);
    });

    it('makes a new organisation and service visible through the HSDS read API and gives nested objects stable ids', async () => {
      const orgId = await registerOrg();
      const serviceId = randomUUID();
      await publish(orgId, serviceId);
      const res = await request(t.http).get(`/hsds/services/${serviceId}`).expect(200);
      const service = res.body as Body;
      expect(service['organization']).toMatchObject({ id: orgId });
      const again = await request(t.http)
        .put(`/v1/directory/services/${serviceId}`)
        .set('Authorization', await admin(orgId))
        .send(serviceBody(orgId))
        .expect(200);
      expect((again.body as Body)['languages']).toEqual(service['languages']);
    });
  });

  describe('management reads (GET)', () => {
    const get = async (path: string, auth?: string) => {
      const req = request(t.http).get(path);
      if (auth) req.set('Authorization', auth);
      return req;
    };
    const problemFields = (body: unknown) =>
      ((body as { errors?: Array<{ field: string }> }).errors ?? []).map((e) => e.field).sort();
    async function withdraw(serviceId: string, auth: string): Promise<void> {
      await request(t.http)
        .post(`/v1/directory/services/${serviceId}/withdraw`)
        .set('Authorization', auth)
        .send({})
        .expect(200);
    }

    interface ReadCase {
      name: string;
      /** Prepares the entities; returns the read path, the matching write (refused alike) and the owner. */
      setup(): Promise<{ path: string; write: (auth?: string) => request.Test; owner: string }>;
    }
    const readCases: ReadCase[] = [
      {
        name: 'GET organizations/{id}',
        setup: async () => {
          const orgId = await registerOrg();
          const write = (auth?: string) => {
            const req = request(t.http).put(`/v1/directory/organizations/${orgId}`);
            if (auth) req.set('Authorization', auth);
            return req.send({ name: 'Renamed', description: 'Still here' });
          };
          return { path: `/v1/directory/organizations/${orgId}`, write, owner: orgId };
        },
      },
      {
        name: 'GET organizations/{id}/services',
        setup: async () => {
          const orgId = await registerOrg();
          await publish(orgId);
          const write = (auth?: string) => {
            const req = request(t.http).post('/v1/directory/services');
            if (auth) req.set('Authorization', auth);
            return req.send(serviceBody(orgId));
          };
          return { path: `/v1/directory/organizations/${orgId}/services`, write, owner: orgId };
        },
      },
      {
        name: 'GET services/{id}',
        setup: async () => {
          const orgId = await registerOrg();
          const serviceId = await publish(orgId);
          const write = (auth?: string) => {
            const req = request(t.http).put(`/v1/directory/services/${serviceId}`);
            if (auth) req.set('Authorization', auth);
            return req.send(serviceBody(orgId, { name: 'Renamed' }));
          };
          return { path: `/v1/directory/services/${serviceId}`, write, owner: orgId };
        },
      },
      {
        name: 'GET locations/{id}',
        setup: async () => {
          const orgId = await registerOrg();
          const locationId = await createLocation(orgId);
          const write = (auth?: string) => {
            const req = request(t.http).put(`/v1/directory/locations/${locationId}`);
            if (auth) req.set('Authorization', auth);
            return req.send(locationBody(orgId));
          };
          return { path: `/v1/directory/locations/${locationId}`, write, owner: orgId };
        },
      },
    ];

    it.each(readCases)(
      "$name: 401 without a token, 403 for a referrer and another organisation's admin (as the write), 200 for its admins and ops",
      async (c) => {
        const { path, write, owner } = await c.setup();
        const refused: Array<[string | undefined, number]> = [
          [undefined, 401],
          [await t.bearer('referrer', owner), 403],
          [await admin(orgUuid('org-befriend-tees')), 403],
          [await t.bearer('link-worker', orgUuid('org-tees-valley-pcn')), 403],
        ];
        for (const [auth, status] of refused) {
          const read = await get(path, auth);
          expect({ auth: auth ? 'token' : 'none', status: read.status }).toEqual({
            auth: auth ? 'token' : 'none',
            status,
          });
          expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
          // The same caller is refused the same way by the corresponding write.
          expect((await write(auth)).status).toBe(status);
        }
        expect((await get(path, await admin(owner))).status).toBe(200);
        expect((await get(path, await t.bearer('link-worker', owner))).status).toBe(200);
        expect((await get(path, await ops())).status).toBe(200);
      },
    );

    it('shows the organisation as the writes answer it, and a suspension with its reason and time', async () => {
      const orgId = await registerOrg();
      const put = await request(t.http)
        .put(`/v1/directory/organizations/${orgId}`)
        .set('Authorization', await admin(orgId))
        .send({ name: 'Renamed org', description: 'Still here', email: 'hello@example.org' })
        .expect(200);
      const active = await get(`/v1/directory/organizations/${orgId}`, await admin(orgId));
      expect(active.status).toBe(200);
      expect(active.body).toEqual(put.body);
      expect(active.body).toMatchObject({
        id: orgId,
        name: 'Renamed org',
        sp_status: 'active',
        sp_kind: 'vcs',
      });
      expect(active.body).not.toHaveProperty('sp_suspension');

      const serviceId = await publish(orgId);
      const before = Date.now();
      await request(t.http)
        .post(`/v1/directory/organizations/${orgId}/suspend`)
        .set('Authorization', await ops())
        .send({ reasonCode: 'safeguarding-concern' })
        .expect(200);
      const after = Date.now();
      const suspended = await get(`/v1/directory/organizations/${orgId}`, await admin(orgId));
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({
        id: orgId,
        sp_status: 'suspended',
        sp_suspension: { reason_code: 'safeguarding-concern' },
      });
      const at = Date.parse(
        String((suspended.body as { sp_suspension: { suspended_at: string } }).sp_suspension.suspended_at),
      );
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
      // The public directory hides it; its admin still sees its service, still published.
      await request(t.http).get(`/hsds/services/${serviceId}`).expect(404);
      const service = await get(`/v1/directory/services/${serviceId}`, await admin(orgId));
      expect(service.status).toBe(200);
      expect(service.body).toMatchObject({ id: serviceId, sp_publication: 'published' });
      const listed = await get(`/v1/directory/organizations/${orgId}/services`, await admin(orgId));
      expect((listed.body as { contents: Body[] }).contents.map((s) => s['id'])).toEqual([serviceId]);

      await request(t.http)
        .post(`/v1/directory/organizations/${orgId}/reinstate`)
        .set('Authorization', await ops())
        .send({})
        .expect(200);
      const reinstated = await get(`/v1/directory/organizations/${orgId}`, await ops());
      expect(reinstated.body).toMatchObject({ sp_status: 'active' });
      expect(reinstated.body).not.toHaveProperty('sp_suspension');
    });

    it("shows a withdrawn service to its organisation's admin while /hsds answers 404", async () => {
      const orgId = await registerOrg();
      const serviceId = await publish(orgId);
      const published = await get(`/v1/directory/services/${serviceId}`, await admin(orgId));
      expect(published.body).toMatchObject({
        id: serviceId,
        organization_id: orgId,
        sp_publication: 'published',
      });
      await withdraw(serviceId, await admin(orgId));
      const read = await get(`/v1/directory/services/${serviceId}`, await admin(orgId));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id: serviceId,
        organization_id: orgId,
        name: 'Test service',
        attributes: [expect.objectContaining({ taxonomy_term_id: termId('sp-need-debt') })],
        sp_publication: 'withdrawn',
      });
      expect(typeof (read.body as Body)['last_modified']).toBe('string');
      await request(t.http).get(`/hsds/services/${serviceId}`).expect(404);
      const hsdsList = await request(t.http).get(`/hsds/services?organization_id=${orgId}`).expect(200);
      expect((hsdsList.body as { contents: Body[] }).contents).toEqual([]);
      const list = await get(`/v1/directory/organizations/${orgId}/services`, await admin(orgId));
      expect((list.body as { contents: Body[] }).contents).toEqual([read.body]);
    });

    it('shows a location as the writes answer it', async () => {
      const orgId = await registerOrg();
      const created = await request(t.http)
        .post('/v1/directory/locations')
        .set('Authorization', await admin(orgId))
        .send(locationBody(orgId))
        .expect(201);
      const locationId = String((created.body as Body)['id']);
      const read = await get(`/v1/directory/locations/${locationId}`, await admin(orgId));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      expect(read.body).toMatchObject({ organization_id: orgId, name: 'Hall' });
    });

    it('pages the services of an organisation, withdrawn ones included, by id', async () => {
      const orgId = await registerOrg();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(await publish(orgId, `svc-${run}-page-${i}`));
      await withdraw(ids[1]!, await ops());
      await withdraw(ids[4]!, await ops());
      // Another organisation's service is not listed.
      await publish(await registerOrg());
      const auth = await admin(orgId);
      const page = async (query: string) => {
        const res = await get(`/v1/directory/organizations/${orgId}/services?${query}`, auth);
        expect(res.status).toBe(200);
        return res.body as Body & { contents: Body[] };
      };
      const first = await page('per_page=2');
      expect(first).toMatchObject({
        total_items: 5,
        total_pages: 3,
        page_number: 1,
        size: 2,
        first_page: true,
        last_page: false,
        empty: false,
      });
      const second = await page('page=2&per_page=2');
      const third = await page('page=3&size=2');
      expect(third).toMatchObject({
        page_number: 3,
        size: 2,
        first_page: false,
        last_page: true,
        empty: false,
      });
      // Ordered by id (UUIDs).
      const byId = [...ids].sort();
      expect([...first.contents, ...second.contents, ...third.contents].map((s) => s['id'])).toEqual(byId);
      expect(
        [...first.contents, ...second.contents, ...third.contents].map((s) => s['sp_publication']),
      ).toEqual(byId.map((id) => (id === ids[1] || id === ids[4] ? 'withdrawn' : 'published')));
      expect(await page('page=4&per_page=2')).toMatchObject({ total_items: 5, empty: true, contents: [] });
      const all = await page('');
      expect(all).toMatchObject({ total_items: 5, total_pages: 1, size: 50, page_number: 1 });
      expect(all.contents.map((s) => s['id'])).toEqual(byId);
      // An organisation without services: an empty first page.
      const empty = await get(`/v1/directory/organizations/${await registerOrg()}/services`, await ops());
      expect(empty.body).toMatchObject({ total_items: 0, total_pages: 1, empty: true, contents: [] });
    });

    it('answers 404 problem+json for unknown ids, to any caller the writes would answer 404', async () => {
      const paths = [
        ['/v1/directory/organizations/org-unknown', 'DIRECTORY.ORGANIZATION_NOT_FOUND'],
        ['/v1/directory/organizations/org-unknown/services', 'DIRECTORY.ORGANIZATION_NOT_FOUND'],
        ['/v1/directory/services/svc-unknown', 'DIRECTORY.SERVICE_NOT_FOUND'],
        ['/v1/directory/locations/loc-unknown', 'DIRECTORY.LOCATION_NOT_FOUND'],
      ] as const;
      for (const auth of [await ops(), await admin(orgUuid('org-befriend-tees'))]) {
        for (const [path, code] of paths) {
          const res = await get(path, auth);
          expect({ path, status: res.status, code: (res.body as Body)['code'] }).toEqual({
            path,
            status: 404,
            code,
          });
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
      }
      // As the write answers another organisation's admin for an unknown organisation.
      await request(t.http)
        .put('/v1/directory/organizations/org-unknown')
        .set('Authorization', await admin(orgUuid('org-befriend-tees')))
        .send({ name: 'X', description: 'Y' })
        .expect(404);
    });

    it('answers 400 problem+json naming every bad id and paging parameter', async () => {
      const auth = await ops();
      const long = 'x'.repeat(65);
      for (const path of [
        `/v1/directory/organizations/${long}`,
        '/v1/directory/services/bad%20id',
        '/v1/directory/locations/bad%2Fid',
      ]) {
        const res = await get(path, auth);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(problemFields(res.body)).toEqual(['id']);
      }
      const all = await get(`/v1/directory/organizations/bad%20id/services?page=0&per_page=500`, auth);
      expect(all.status).toBe(400);
      expect(all.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problemFields(all.body)).toEqual(['id', 'page', 'per_page']);
      const orgId = await registerOrg();
      const paging = await get(`/v1/directory/organizations/${orgId}/services?page=abc&size=0`, auth);
      expect(paging.status).toBe(400);
      expect(problemFields(paging.body)).toEqual(['page', 'size']);
    });
  });
});
