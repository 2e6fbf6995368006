/**
 * The FHIR R4 API of the referrals service on the real stack (Kafka, FerretDB, Redis), booted
 * in-process: real ES256 tokens checked against a JWKS served by this test, the directory replica
 * fed by real directory events on Kafka. Each run isolates itself (database, consumer group, queue
 * prefix, ids).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import {
  contractRegistry,
  createEnvelope,
  OrganisationRegisteredV1,
  OrganisationVerifiedV1,
  ServicePublishedV2,
  Topics,
  type EventEnvelope,
} from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher } from '@sp/messaging';
import { createServiceApp } from '@sp/service-kit';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import { AppModule } from '../src/app.module';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM, REASON_SYSTEM } from '../src/fhir/fhir.constants';
import { gravityBundle } from './fhir-fixtures';

const run = uniqueName('fhir').replace(/-/g, '_');
const id = (name: string) => `${name}-${run}`.replace(/_/g, '-');
const ISSUER = 'http://referrals-fhir-e2e.test';
const AUDIENCE = 'social-prescribing';
const db = `test_${run}_referrals_fhir`;

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
};
const svc = { lw: id('svc-lw'), a: id('svc-a'), b: id('svc-b'), c: id('svc-c') };

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

describe('FHIR R4 API end to end', () => {
  let jwks: Server;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  const tokens: Record<string, string> = {};

  async function fhir(
    who: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
        accept: 'application/fhir+json',
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text.length > 0 ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  }
  const patch = (who: string, path: string, ops: unknown[], ifMatch?: string) =>
    fhir(who, 'PATCH', path, ops, {
      'content-type': 'application/json-patch+json',
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
    });
  const referrals = () => mongo.db(db).collection('referrals');
  const idFromLocation = (location: string) => location.split('/')[1] as string;
  const bundleFor = (serviceId: string | null, identifier = id('gp-ref')) => {
    const b = gravityBundle({ serviceId, identifier });
    b.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    b.entry[1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    return b;
  };
  async function refer(serviceId: string | null = svc.a): Promise<string> {
    const res = await fhir(
      'gp',
      'POST',
      '/fhir',
      bundleFor(serviceId, id(`r-${Math.random().toString(36).slice(2)}`)),
    );
    expect(res.status).toBe(200);
    return idFromLocation(res.body.entry[1].response.location);
  }

  beforeAll(async () => {
    const keys = await TokenIssuer.generateKeyPair();
    const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const principals: Record<string, Principal> = {
      gp: { clientId: 'gp', organisationId: org.gp, odsCode: 'A81001', role: 'referrer', scopes: [] },
      otherGp: {
        clientId: 'other-gp',
        organisationId: org.otherGp,
        odsCode: 'A81002',
        role: 'referrer',
        scopes: [],
      },
      lw: { clientId: 'lw', organisationId: org.lw, odsCode: 'U81234', role: 'link-worker', scopes: [] },
      vcsA: { clientId: 'vcs-a', organisationId: org.vcsA, role: 'provider', scopes: [] },
      vcsB: { clientId: 'vcs-b', organisationId: org.vcsB, role: 'provider', scopes: [] },
      vcsC: { clientId: 'vcs-c', organisationId: org.vcsC, role: 'provider', scopes: [] },
    };
    for (const [name, p] of Object.entries(principals)) tokens[name] = (await issuer.issue(p)).access_token;

    Object.assign(process.env, {
      MONGO_URL: testInfra.mongoUrlFor(db),
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      TOKEN_ISSUER: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: `referrals-${db}`,
      QUEUE_PREFIX: db,
    });
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app } = await createServiceApp({
      name: 'referrals',
      module: AppModule,
      topics: [Topics.referralLifecycle],
      consumer: { groupId: 'referrals', topics: [Topics.directory] },
    }));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const at = new Date().toISOString();
    const meta = { source: '/test/organisations', correlationId: run };
    const envs: EventEnvelope[] = [];
    for (const o of [org.lw, org.vcsA, org.vcsB, org.vcsC]) {
      envs.push(
        createEnvelope(OrganisationRegisteredV1, { organisationId: o, kind: 'vcs', occurredAt: at }, meta),
      );
      envs.push(createEnvelope(OrganisationVerifiedV1, { organisationId: o, occurredAt: at }, meta));
    }
    const listing = (serviceId: string, organisationId: string, terms: string[]) =>
      createEnvelope(
        ServicePublishedV2,
        {
          serviceId,
          organisationId,
          status: 'active',
          taxonomyTermIds: terms,
          languages: ['en'],
          occurredAt: at,
        },
        meta,
      );
    envs.push(
      listing(svc.lw, org.lw, ['sp-need-loneliness', 'sp-need-debt']),
      listing(svc.a, org.vcsA, ['sp-need-loneliness']),
      listing(svc.b, org.vcsB, ['sp-need-debt']),
      listing(svc.c, org.vcsC, ['sp-need-loneliness']),
    );
    const publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });
    await publisher.publishEnvelopes(envs, contractRegistry);
    await publisher.disconnect();
    await waitFor(
      async () => {
        const services = await mongo
          .db(db)
          .collection('directory_services')
          .countDocuments({ _id: { $in: Object.values(svc) as never[] } });
        const verified = await mongo
          .db(db)
          .collection('directory_organisations')
          .countDocuments({ _id: { $in: Object.values(org) as never[] }, verified: true });
        return services === 4 && verified === 4;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'directory replica' },
    );
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  }, 60_000);

  it('GET /fhir/metadata tells what is supported', async () => {
    const res = await fhir(undefined, 'GET', '/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      rest: [{ interaction: [{ code: 'transaction' }] }],
    });
  });

  it('a Gravity-shaped transaction creates one referral; a conditional retry (new urn:uuids) creates nothing', async () => {
    const identifier = id('gravity');
    const bundle = bundleFor(svc.a, identifier);
    bundle.entry[1].request.ifNoneExist = `identifier=https://gp.example/referrals|${identifier}`;
    const first = await fhir('gp', 'POST', '/fhir', bundle);
    expect(first.status).toBe(200);
    expect(first.body.type).toBe('transaction-response');
    expect(first.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '201 Created',
      '201 Created',
      '201 Created',
      '201 Created',
    ]);
    const location = first.body.entry[1].response.location as string;
    expect(location).toMatch(/^ServiceRequest\/[^/]+\/_history\/1$/);
    expect(first.body.entry[2].response).toMatchObject({
      location: location.replace('ServiceRequest', 'Task'),
      etag: 'W/"1"',
    });
    const rid = idFromLocation(location);

    const retried = JSON.parse(
      JSON.stringify(bundle).replace(/6f1b2a4e-0000-4000-8000/g, 'aaaaaaaa-bbbb-4ccc-8ddd'),
    ) as typeof bundle;
    const retry = await fhir('gp', 'POST', '/fhir', retried);
    expect(retry.status).toBe(200);
    expect(retry.body.entry[1].response).toMatchObject({ status: '200 OK', location });
    expect(
      await referrals().countDocuments({
        idempotencyKey: `fhir:identifier=https://gp.example/referrals|${identifier}`,
      }),
    ).toBe(1);

    const sr = await fhir('gp', 'GET', `/fhir/ServiceRequest/${rid}`);
    expect(sr.status).toBe(200);
    expect(sr.headers.get('etag')).toBe('W/"1"');
    expect(sr.body).toMatchObject({
      resourceType: 'ServiceRequest',
      id: rid,
      status: 'active',
      performer: [{ reference: `HealthcareService/${svc.a}` }],
      identifier: [{ system: 'https://gp.example/referrals', value: identifier }],
      contained: [
        { resourceType: 'Patient', identifier: [{ value: '9434765919' }] },
        { resourceType: 'Consent', status: 'active' },
      ],
      orderDetail: [{ coding: [{ code: 'do-not-contact' }] }],
    });
    const task = await fhir('vcsA', 'GET', `/fhir/Task/${rid}`);
    expect(task.body).toMatchObject({
      status: 'requested',
      focus: { reference: `ServiceRequest/${rid}` },
      owner: { identifier: { value: org.vcsA } },
    });
    expect(JSON.stringify(task.body)).not.toContain('9434765919');
  });

  it('POST /fhir/ServiceRequest with the patient contained answers 201 with Location and ETag', async () => {
    const b = bundleFor(svc.a);
    const sr = b.entry[1].resource;
    const patient = { ...b.entry[0].resource, id: 'patient' };
    const consent = { ...b.entry[3].resource, id: 'consent', patient: { reference: '#patient' } };
    const body = {
      ...sr,
      contained: [patient, consent],
      subject: { identifier: patient.identifier[0] },
      supportingInfo: [{ reference: '#consent' }],
    };
    const res = await fhir('gp', 'POST', '/fhir/ServiceRequest', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/\/fhir\/ServiceRequest\/[^/]+\/_history\/1$/);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body.contained[0].name[0]).toMatchObject({ family: 'Smith', given: ['Jane'] });
  });

  it('accept, start and complete via PATCH with If-Match; a stale version is 412; history shows every version', async () => {
    const rid = await refer(svc.a);
    const accepted = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'accepted' }],
      'W/"1"',
    );
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('etag')).toBe('W/"2"');
    const stale = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'in-progress' }],
      'W/"1"',
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'conflict' }],
    });
    const type = (code: string) => ({ coding: [{ system: OUTPUT_TYPE_SYSTEM, code }] });
    const ons4 = (occasion: string, v: number[]) =>
      ['life-satisfaction', 'worthwhile', 'happiness', 'anxiety'].map((item, i) => ({
        type: type(`ons4-${item}-${occasion}`),
        valueInteger: v[i],
      }));
    const started = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [
        { op: 'replace', path: '/status', value: 'in-progress' },
        { op: 'add', path: '/output', value: ons4('baseline', [4, 5, 4, 6]) },
      ],
      'W/"2"',
    );
    expect(started.status).toBe(200);
    const completed = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [
        { op: 'test', path: '/status', value: 'in-progress' },
        { op: 'replace', path: '/status', value: 'completed' },
        {
          op: 'add',
          path: '/output/-',
          value: {
            type: type('outcome'),
            valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-goals-met' }] },
          },
        },
        ...ons4('follow-up', [7, 8, 7, 3]).map((value) => ({ op: 'add', path: '/output/-', value })),
      ],
      'W/"3"',
    );
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.output).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-goals-met' }] },
        }),
      ]),
    );
    expect(
      completed.body.output.filter((o: { valueInteger?: number }) => o.valueInteger !== undefined),
    ).toHaveLength(8);

    const history = await fhir('gp', 'GET', `/fhir/Task/${rid}/_history`);
    expect(history.body.type).toBe('history');
    expect(
      history.body.entry.map((e: { resource: { status: string; meta: { versionId: string } } }) => [
        e.resource.meta.versionId,
        e.resource.status,
      ]),
    ).toEqual([
      ['4', 'completed'],
      ['3', 'in-progress'],
      ['2', 'accepted'],
      ['1', 'requested'],
    ]);
    const v2 = await fhir('gp', 'GET', `/fhir/Task/${rid}/_history/2`);
    expect(v2.body).toMatchObject({ status: 'accepted', meta: { versionId: '2' } });
  });

  it('PUT needs If-Match (428); rejecting needs a coded reason named at Task.statusReason', async () => {
    const rid = await refer(svc.a);
    const current = (await fhir('vcsA', 'GET', `/fhir/Task/${rid}`)).body;
    const noMatch = await fhir('vcsA', 'PUT', `/fhir/Task/${rid}`, { ...current, status: 'rejected' });
    expect(noMatch.status).toBe(428);
    const noReason = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      { ...current, status: 'rejected' },
      { 'if-match': 'W/"1"' },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.issue[0].expression).toEqual(['Task.statusReason']);
    const rejected = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      {
        ...current,
        status: 'rejected',
        statusReason: { coding: [{ system: REASON_SYSTEM, code: 'no-capacity' }] },
      },
      { 'if-match': 'W/"1"' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      statusReason: { coding: [{ code: 'no-capacity' }] },
    });
  });

  it('an open referral is claimed with PATCH owner + status accepted', async () => {
    const rid = await refer(null);
    const claimed = await patch(
      'vcsC',
      `/fhir/Task/${rid}`,
      [
        { op: 'add', path: '/owner', value: { reference: `HealthcareService/${svc.c}` } },
        { op: 'replace', path: '/status', value: 'accepted' },
      ],
      'W/"1"',
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'accepted', owner: { identifier: { value: org.vcsC } } });
  });

  it('searches Tasks with paging links', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const ids = [await refer(svc.b), await refer(svc.b), await refer(svc.b)];
    const first = await fhir(
      'vcsB',
      'GET',
      `/fhir/Task?owner=HealthcareService/${svc.b}&status=requested&_lastUpdated=gt${since}&_count=2`,
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 3 });
    expect(first.body.entry).toHaveLength(2);
    const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const second = await fhir('vcsB', 'GET', next);
    expect(second.body.entry).toHaveLength(1);
    expect(second.body.link.find((l: { relation: string }) => l.relation === 'previous')).toBeDefined();
    const seen = [...first.body.entry, ...second.body.entry].map(
      (e: { resource: { id: string } }) => e.resource.id,
    );
    expect(seen.sort()).toEqual([...ids].sort());
    const byOwner = await fhir('vcsB', 'GET', `/fhir/Task?owner=Organization/${org.vcsB}&_count=100`);
    expect(byOwner.body.total).toBeGreaterThanOrEqual(3);
    const focus = await fhir('vcsB', 'GET', `/fhir/Task?focus=ServiceRequest/${ids[0]}`);
    expect(focus.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids[0]]);
  });

  it("another organisation's referral is refused on every endpoint", async () => {
    const rid = await refer(svc.a);
    for (const who of ['otherGp', 'vcsB']) {
      for (const path of [`/fhir/ServiceRequest/${rid}`, `/fhir/Task/${rid}`, `/fhir/Task/${rid}/_history`]) {
        const res = await fhir(who, 'GET', path);
        expect([path, res.status, res.body.resourceType]).toEqual([path, 404, 'OperationOutcome']);
      }
      const moved = await patch(who, `/fhir/Task/${rid}`, [
        { op: 'replace', path: '/status', value: 'cancelled' },
      ]);
      expect(moved.status).toBe(404);
      const search = await fhir(who, 'GET', `/fhir/Task?focus=ServiceRequest/${rid}`);
      expect(search.body.total).toBe(0);
    }
    expect((await fhir('vcsA', 'GET', `/fhir/Task/${rid}`)).body.status).toBe('requested');
  });

  it('onward referrals: a transaction of ServiceRequest basedOn the parent + Task partOf its Task', async () => {
    const parent = await refer(svc.lw);
    expect(
      (await patch('lw', `/fhir/Task/${parent}`, [{ op: 'replace', path: '/status', value: 'accepted' }]))
        .status,
    ).toBe(200);
    const res = await fhir('lw', 'POST', '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:onward-sr',
          resource: {
            resourceType: 'ServiceRequest',
            status: 'active',
            intent: 'order',
            basedOn: [{ reference: `ServiceRequest/${parent}` }],
            performer: [{ reference: `HealthcareService/${svc.b}` }],
            reasonCode: [
              {
                coding: [
                  { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-debt' },
                ],
              },
            ],
          },
          request: { method: 'POST', url: 'ServiceRequest' },
        },
        {
          fullUrl: 'urn:uuid:onward-task',
          resource: {
            resourceType: 'Task',
            status: 'requested',
            intent: 'order',
            focus: { reference: 'urn:uuid:onward-sr' },
            partOf: [{ reference: `Task/${parent}` }],
          },
          request: { method: 'POST', url: 'Task' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('201 Created');
    const child = idFromLocation(res.body.entry[0].response.location);
    const childTask = await fhir('vcsB', 'GET', `/fhir/Task/${child}`);
    expect(childTask.body).toMatchObject({
      partOf: [{ reference: `Task/${parent}` }],
      owner: { identifier: { value: org.vcsB } },
    });
    const children = await fhir('lw', 'GET', `/fhir/Task?part-of=Task/${parent}`);
    expect(children.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([child]);
  });

  it('bad inputs get an OperationOutcome naming the elements, and nothing is stored', async () => {
    const before = await referrals().countDocuments();
    const bad = bundleFor(id('svc-unknown'));
    bad.entry[0].resource.identifier[0].value = '9434765918';
    bad.entry[1].resource.supportingInfo = [];
    bad.entry[1].resource.subjct = 'typo';
    const res = await fhir('gp', 'POST', '/fhir', bad);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const expressions = res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0]).sort();
    expect(expressions).toEqual(
      expect.arrayContaining([
        'Bundle.entry[0].resource.identifier[0].value',
        'Bundle.entry[1].resource.supportingInfo',
        'Bundle.entry[1].resource.subjct',
      ]),
    );
    const unknownService = await fhir('gp', 'POST', '/fhir', bundleFor(id('svc-unknown')));
    expect(unknownService.status).toBeGreaterThanOrEqual(400);
    expect(unknownService.body.issue[0].expression).toEqual(['Bundle.entry[1].resource.performer']);
    const notMine = await fhir('otherGp', 'POST', '/fhir', bundleFor(svc.a));
    expect(notMine.body.issue.map((i: { expression: string[] }) => i.expression[0])).toContain(
      'Bundle.entry[1].resource.requester',
    );

    const raw = (body: string, contentType: string) =>
      fetch(`${base}/fhir`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.gp}`, 'content-type': contentType },
        body,
      });
    for (const [response, status] of [
      [await raw('{"resourceType":"Bundle",', 'application/fhir+json'), 400],
      [await raw(JSON.stringify(bundleFor(svc.a)), 'text/xml'), 415],
      [await raw(JSON.stringify({ pad: 'x'.repeat(1_100_000) }), 'application/fhir+json'), 413],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(((await response.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    }
    const unauthenticated = await fhir(undefined, 'GET', '/fhir/Task');
    expect([unauthenticated.status, unauthenticated.body.resourceType]).toEqual([401, 'OperationOutcome']);
    const unknownRoute = await fhir('gp', 'GET', '/fhir/Observation/1');
    expect([unknownRoute.status, unknownRoute.body.resourceType]).toEqual([404, 'OperationOutcome']);
    expect(await referrals().countDocuments()).toBe(before);
  });
});
