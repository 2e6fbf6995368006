/**
 * FHIR topic-based Subscriptions (R4 backport) on the real stack: the referrals service booted
 * in-process on Kafka, MongoDB and Redis (its own lifecycle events drive the fan-out, BullMQ
 * delivers), real HTTP subscribers on this machine, notification Bundles checked by HAPI's
 * validator against FHIR R4 core. Loopback http endpoints are allowed by config, as on the local
 * platform. Each run isolates itself (database, consumer group, queue prefix, ids).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { expectValidFhirByHapi, testInfra, waitFor } from '@sp/testing';
import {
  BACKPORT_EXTENSIONS,
  REFERRAL_TASK_TOPIC,
} from '../src/fhir-subscriptions/domain/subscription-topic';
import { gravityBundle } from './fhir-fixtures';
import {
  bootReferrals,
  DirectoryFeed,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type Reply,
  type TokenServer,
} from './support';

const { run, id } = testRun('fhirsubs');
const ISSUER = 'http://referrals-fhir-subscriptions-e2e.test';
const db = `test_${run}_referrals_fhirsubs`;
const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { a: id('svc-a'), b: id('svc-b') };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A subscriber's HTTP endpoint: records every POST; paths under /fail answer 500. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.statusCode = req.url?.startsWith('/fail') ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Param = {
  name: string;
  valueString?: string;
  valueCode?: string;
  part?: Param[];
  valueReference?: { reference: string };
};
const paramsOf = (bundle: Received['body']): Param[] => bundle.entry[0].resource.parameter;
const param = (bundle: Received['body'], name: string) => paramsOf(bundle).find((p) => p.name === name);
const typeOf = (r: Received) => param(r.body, 'type')?.valueCode;
const focusOf = (r: Received) =>
  param(r.body, 'notification-event')?.part?.find((p) => p.name === 'focus')?.valueReference?.reference;

describe('FHIR Subscriptions (R4 topic-based backport) end to end', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const fhir = (
    who: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> =>
    send(`${base}${path}`, {
      method,
      ...(who ? { token: tokens[who] } : {}),
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });

  function subscription(
    endpointPath: string,
    opts: { filter?: string; heartbeat?: number; header?: string[] } = {},
  ) {
    return {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'Our portal follows our referrals',
      criteria: REFERRAL_TASK_TOPIC,
      ...(opts.filter
        ? {
            _criteria: { extension: [{ url: BACKPORT_EXTENSIONS.filterCriteria, valueString: opts.filter }] },
          }
        : {}),
      channel: {
        ...(opts.heartbeat
          ? { extension: [{ url: BACKPORT_EXTENSIONS.heartbeatPeriod, valueUnsignedInt: opts.heartbeat }] }
          : {}),
        type: 'rest-hook',
        endpoint: `${receiver.url}${endpointPath}`,
        payload: 'application/fhir+json',
        _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'id-only' }] },
        ...(opts.header ? { header: opts.header } : {}),
      },
    };
  }

  async function subscribe(who: string, body: unknown): Promise<string> {
    const res = await fhir(who, 'POST', '/fhir/Subscription', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ resourceType: 'Subscription', status: 'requested' });
    expect(res.headers.get('location')).toBe(`${base}/fhir/Subscription/${res.body.id}`);
    return res.body.id as string;
  }

  async function activeSubscription(who: string, subId: string): Promise<void> {
    await waitFor(
      async () => (await fhir(who, 'GET', `/fhir/Subscription/${subId}`)).body.status === 'active',
      {
        timeoutMs: 30_000,
        description: `Subscription/${subId} active`,
      },
    );
  }

  async function refer(serviceId: string): Promise<string> {
    const b = gravityBundle({ serviceId, identifier: id(`r-${Math.random().toString(36).slice(2)}`) });
    b.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    b.entry[1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    const res = await fhir('gp', 'POST', '/fhir', b);
    expect(res.status).toBe(200);
    return (res.body.entry[1].response.location as string).split('/')[1] as string;
  }

  const eventsAt = (path: string) =>
    receiver.received.filter((r) => r.path === path && typeOf(r) === 'event-notification');

  beforeAll(async () => {
    receiver = await startReceiver();
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app, url: base } = await bootReferrals(db, tokenServer, {
      FHIR_SUBSCRIPTION_ALLOW_HTTP: 'true',
      FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS: 'true',
      FHIR_SUBSCRIPTION_MIN_HEARTBEAT_SECONDS: '1',
      FHIR_SUBSCRIPTION_ATTEMPTS: '3',
      FHIR_SUBSCRIPTION_BACKOFF_MS: '100',
      FHIR_SUBSCRIPTION_ERROR_AFTER_FAILURES: '3',
    }));
    await new DirectoryFeed(run)
      .organisation(org.vcsA)
      .organisation(org.vcsB)
      .service(svc.a, org.vcsA, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.b, org.vcsB, { taxonomyTermIds: ['sp-need-debt'] })
      .publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.vcsA, org.vcsB],
    });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
    await receiver?.close();
  }, 60_000);

  it('a VCS portal subscribes: handshake with its header, then active; Task changes it may see arrive as id-only notification Bundles, numbered; heartbeats follow', async () => {
    const subA = await subscribe(
      'vcsA',
      subscription('/vcs-a', {
        filter: `Task?owner=Organization/${org.vcsA}`,
        heartbeat: 1,
        header: ['Authorization: Bearer portal-a-secret'],
      }),
    );
    const subB = await subscribe('vcsB', subscription('/vcs-b'));
    const subGp = await subscribe(
      'gp',
      subscription('/gp', { filter: `Task?requester=${org.gp}&status=accepted` }),
    );
    await waitFor(() => receiver.received.some((r) => r.path === '/vcs-a' && typeOf(r) === 'handshake'), {
      timeoutMs: 30_000,
      description: 'handshake at /vcs-a',
    });
    const handshake = receiver.received.find((r) => r.path === '/vcs-a' && typeOf(r) === 'handshake')!;
    expect(handshake.headers.authorization).toBe('Bearer portal-a-secret');
    expect(handshake.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(param(handshake.body, 'status')?.valueCode).toBe('requested');
    expect(param(handshake.body, 'subscription')?.valueReference?.reference).toBe(
      `${base}/fhir/Subscription/${subA}`,
    );
    await expectValidFhirByHapi(handshake.body);
    await activeSubscription('vcsA', subA);
    await activeSubscription('vcsB', subB);
    await activeSubscription('gp', subGp);
    const read = await fhir('vcsA', 'GET', `/fhir/Subscription/${subA}`);
    expect(read.body.channel.header).toEqual(['Authorization: ***']);
    await expectValidFhirByHapi(read.body);

    const rid = await refer(svc.a);
    await waitFor(() => eventsAt('/vcs-a').length >= 1, {
      timeoutMs: 30_000,
      description: 'first event at /vcs-a',
    });
    const accepted = await fhir(
      'vcsA',
      'PATCH',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'accepted' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    expect(accepted.status).toBe(200);
    await waitFor(() => eventsAt('/vcs-a').length >= 2, {
      timeoutMs: 30_000,
      description: 'second event at /vcs-a',
    });
    await waitFor(() => eventsAt('/gp').length >= 1, {
      timeoutMs: 30_000,
      description: 'accepted event at /gp',
    });

    const [created, changed] = eventsAt('/vcs-a');
    for (const n of [created!, changed!]) {
      expect(focusOf(n)).toBe(`${base}/fhir/Task/${rid}`);
      expect(n.body.entry[1]).toEqual(expect.objectContaining({ fullUrl: `${base}/fhir/Task/${rid}` }));
      expect(n.body.entry[1].resource).toBeUndefined();
      expect(n.headers.authorization).toBe('Bearer portal-a-secret');
      await expectValidFhirByHapi(n.body);
    }
    const numbers = [created!, changed!].map(
      (n) => param(n.body, 'notification-event')?.part?.find((p) => p.name === 'event-number')?.valueString,
    );
    expect(numbers).toEqual(['1', '2']);
    expect(created!.body.entry[1].request).toEqual({ method: 'POST', url: 'Task' });
    expect(changed!.body.entry[1].request).toEqual({ method: 'PUT', url: `Task/${rid}` });
    // Nothing about the patient anywhere in what was sent.
    expect(JSON.stringify(receiver.received.map((r) => r.body))).not.toMatch(
      /nhs-number|birthDate|"family"|"given"|Patient\//,
    );

    // The GP's filter (status=accepted) let only the acceptance through.
    expect(eventsAt('/gp').map(focusOf)).toEqual([`${base}/fhir/Task/${rid}`]);
    // VCS B may not see VCS A's referral: never notified of it, whatever its (empty) filter.
    expect(eventsAt('/vcs-b')).toEqual([]);

    // Heartbeats keep coming (every second here), counting the events so far.
    const heartbeat = await waitFor(
      () =>
        receiver.received.find(
          (r) =>
            r.path === '/vcs-a' &&
            typeOf(r) === 'heartbeat' &&
            param(r.body, 'events-since-subscription-start')?.valueString === '2',
        ),
      { timeoutMs: 15_000, description: 'heartbeat at /vcs-a after the two events' },
    );
    expect(param(heartbeat.body, 'status')?.valueCode).toBe('active');
    expect(heartbeat.body.entry).toHaveLength(1);
    await expectValidFhirByHapi(heartbeat.body);

    const status = await fhir('vcsA', 'GET', `/fhir/Subscription/${subA}/$status`);
    expect(status.status).toBe(200);
    expect(status.body.entry[0].resource.parameter).toEqual(
      expect.arrayContaining([
        { name: 'status', valueCode: 'active' },
        { name: 'events-since-subscription-start', valueString: '2' },
      ]),
    );
    await expectValidFhirByHapi(status.body);

    const search = await fhir('vcsA', 'GET', '/fhir/Subscription');
    expect(search.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([subA]);
    expect((await fhir('vcsB', 'GET', `/fhir/Subscription/${subA}`)).status).toBe(404);
    expect((await fhir('vcsB', 'DELETE', `/fhir/Subscription/${subA}`)).status).toBe(404);

    const deleted = await fhir('vcsA', 'DELETE', `/fhir/Subscription/${subA}`);
    expect(deleted.status).toBe(204);
    expect((await fhir('vcsA', 'GET', `/fhir/Subscription/${subA}`)).status).toBe(410);
  });

  it('bad subscriptions: one OperationOutcome issue per problem with its expression, nothing stored', async () => {
    const body = subscription('/bad', { filter: 'Task?colour=blue' });
    Object.assign(body, { criteria: 'http://example.org/SubscriptionTopic/unknown' });
    Object.assign(body.channel, {
      type: 'websocket',
      endpoint: 'ftp://127.0.0.1/x',
      _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'full-resource' }] },
    });
    const res = await fhir('vcsB', 'POST', '/fhir/Subscription', body);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const expressions = res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0]);
    expect(expressions).toEqual(
      expect.arrayContaining([
        'Subscription.criteria',
        'Subscription.criteria.extension[0].valueString',
        'Subscription.channel.type',
        'Subscription.channel.endpoint',
        'Subscription.channel.payload.extension',
      ]),
    );
    await expectValidFhirByHapi(res.body);

    const other = await fhir(
      'vcsB',
      'POST',
      '/fhir/Subscription',
      subscription('/bad', { filter: `Task?owner=${org.vcsA}` }),
    );
    expect(other.status).toBe(403);
    expect(other.body.issue).toEqual([
      expect.objectContaining({
        code: 'forbidden',
        expression: ['Subscription.criteria.extension[0].valueString'],
      }),
    ]);

    const notJson = await fhir('vcsB', 'POST', '/fhir/Subscription', { resourceType: 'Subscription' });
    expect(notJson.status).toBe(400);
    const listed = await fhir('vcsB', 'GET', '/fhir/Subscription');
    expect(
      listed.body.entry.every(
        (e: { resource: { channel: { endpoint: string } } }) => !e.resource.channel.endpoint.endsWith('/bad'),
      ),
    ).toBe(true);
  });

  it('an endpoint that keeps failing: the handshake is retried, then the subscription is in error with the reason', async () => {
    const subId = await subscribe('vcsB', subscription('/fail/vcs-b'));
    await waitFor(
      async () => (await fhir('vcsB', 'GET', `/fhir/Subscription/${subId}`)).body.status === 'error',
      {
        timeoutMs: 30_000,
        description: 'subscription in error',
      },
    );
    const read = await fhir('vcsB', 'GET', `/fhir/Subscription/${subId}`);
    expect(read.body.error).toMatch(/answered 500/);
    expect(receiver.received.filter((r) => r.path === '/fail/vcs-b').length).toBe(3);
  });
});
