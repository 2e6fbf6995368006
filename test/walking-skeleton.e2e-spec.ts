/**
 * The walking skeleton on the real stack: the four compiled services as separate processes on
 * the real Kafka, SecantusDB and Redis. An authenticated referral posted to the referrals service
 * is stored, its event crosses Kafka through the outbox, the analytics service counts it and the
 * notifications service delivers an id-only notification to the receiving organisation's inbox.
 * Each run isolates itself: its own databases, consumer groups, queue prefix and ports.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { directoryIdForSlug, Topics } from '@sp/contracts';
import { startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import { runToCompletion, startService, type RunningService, freePort } from './support/service-process';

/** The demo network's records by slug (demo-network.ts): the directory names them by these UUIDs. */
const demo = {
  org: (slug: string) => directoryIdForSlug('organizations', slug),
  service: (slug: string) => directoryIdForSlug('services', slug),
};

interface DemoClientsFile {
  clients: Array<{
    clientId: string;
    clientSecret: string;
    role: string;
    organisationId: string;
    odsCode?: string;
  }>;
}

const run = uniqueName('e2e').replace(/-/g, '_');
const mongoFor = (service: string): string => testInfra.mongoUrlFor(`test_${run}_${service}`);

describe('walking skeleton: referral -> outbox -> Kafka -> analytics and notifications', () => {
  const services: RunningService[] = [];
  let clients: DemoClientsFile['clients'] = [];
  let organisationsUrl = '';

  async function token(clientId: string): Promise<string> {
    const client = clients.find((c) => c.clientId === clientId);
    if (!client) throw new Error(`no demo client ${clientId}`);
    const response = await fetch(`${organisationsUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  function service(name: RunningService['name']): RunningService {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`${name} not started`);
    return found;
  }

  beforeAll(async () => {
    // Analytics and notifications read only what this run produces (the shared topics hold every
    // earlier run's events; reading them all first takes minutes on a long-lived machine). The
    // referrals group reads the directory from the beginning: its replica needs the whole directory.
    await startGroupsAtTopicsEnd(
      [`analytics-${run}`, `notifications-${run}`],
      [Topics.referralLifecycle, Topics.directory],
    );
    const organisationsPort = await freePort();
    organisationsUrl = `http://127.0.0.1:${organisationsPort}`;
    const common = {
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `${organisationsUrl}/.well-known/jwks.json`,
      TOKEN_ISSUER: organisationsUrl,
      LOG_LEVEL: 'warn',
    };
    services.push(
      await startService('organisations', {
        ...common,
        PORT: String(organisationsPort),
        MONGO_URL: mongoFor('organisations'),
      }),
    );
    const clientsFile = join(tmpdir(), `${run}-demo-clients.json`);
    const seed = await runToCompletion('dist/services/organisations/src/demo/seed-demo.js', {
      ...common,
      MONGO_URL: mongoFor('organisations'),
      DEMO_CLIENTS_FILE: clientsFile,
    });
    expect(seed.code).toBe(0);
    clients = (JSON.parse(await readFile(clientsFile, 'utf8')) as DemoClientsFile).clients;
    services.push(
      ...(await Promise.all([
        startService('referrals', {
          ...common,
          MONGO_URL: mongoFor('referrals'),
          // Its own group so its directory replica reads the directory topic from the beginning.
          KAFKA_GROUP_ID: `referrals-${run}`,
          QUEUE_PREFIX: `${run}_referrals`,
        }),
        startService('analytics', {
          ...common,
          MONGO_URL: mongoFor('analytics'),
          KAFKA_GROUP_ID: `analytics-${run}`,
        }),
        startService('notifications', {
          ...common,
          MONGO_URL: mongoFor('notifications'),
          KAFKA_GROUP_ID: `notifications-${run}`,
          QUEUE_PREFIX: run,
          DELIVERY_BACKOFF_MS: '200',
          LOG_LEVEL: 'info', // the delivery log line proves the correlation id reached the job
        }),
      ])),
    );
  }, 240_000);

  afterAll(async () => {
    const codes = await Promise.all(services.map(async (s) => [s.name, await s.stop('SIGTERM')] as const));
    // Graceful shutdown: every service drains and exits 0 on SIGTERM.
    expect(Object.fromEntries(codes)).toEqual(Object.fromEntries(services.map((s) => [s.name, 0])));
  }, 60_000);

  it('the demo seed wrote a client per role and organisation', () => {
    expect(new Set(clients.map((c) => c.role))).toEqual(
      new Set(['referrer', 'link-worker', 'provider', 'ops', 'commissioner']),
    );
    expect(clients.filter((c) => c.role === 'referrer').map((c) => c.odsCode)).toEqual(['A81001', 'A81002']);
  });

  it('counts a posted referral once and delivers its notification to the receiving organisation', async () => {
    const gp = await token('riverside-gp');
    const ops = await token('platform-ops');
    const analytics = service('analytics').url;

    // The analytics group reads the topic from the beginning: wait until it has caught up so the
    // count we compare against is settled.
    const statsOf = async (): Promise<number> => {
      const response = await fetch(`${analytics}/v1/stats/referrals`, {
        headers: { authorization: `Bearer ${ops}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        organisations: Array<{ organisationId: string; submitted: number }>;
      };
      return (
        body.organisations.find((o) => o.organisationId === demo.org('org-riverside-practice'))?.submitted ??
        0
      );
    };
    const baseline = await waitForCaughtUp(analytics, `analytics-${run}`, statsOf);

    const nhsNumber = '9434765919';
    const correlationId = `${run}-correlation`;
    const posted = await postWhenDirectoryReady(`${service('referrals').url}/v1/referrals`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gp}`,
        'content-type': 'application/json',
        'idempotency-key': `${run}-first`,
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({
        patient: { nhsNumber, givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
        requesterOdsCode: 'A81001',
        targetServiceId: demo.service('svc-link-workers'),
        needs: ['sp-need-loneliness'],
        priority: 'routine',
        consent: {
          given: true,
          recordedBy: 'Dr Jones',
          recordedAt: new Date().toISOString(),
          scope: 'share-with-receiving-service',
        },
      }),
    });
    expect(posted.status).toBe(201);
    const referral = posted.body as { id: string; status: string };
    expect(referral.status).toBe('requested');

    await waitFor(async () => (await statsOf()) === baseline + 1, {
      timeoutMs: 30_000,
      description: 'analytics counted the referral',
    });

    const linkWorker = await token('tees-link-workers');
    const inbox = await waitFor(
      async () => {
        const response = await fetch(`${service('notifications').url}/v1/inbox?limit=500`, {
          headers: { authorization: `Bearer ${linkWorker}` },
        });
        const body = (await response.json()) as { items: Array<{ referralId: string }> };
        return body.items.find((i) => i.referralId === referral.id);
      },
      { timeoutMs: 30_000, description: 'notification in the link-worker inbox' },
    );
    expect(inbox.referralId).toBe(referral.id);

    // The event on the wire carries no patient identifiers (assert on the bytes).
    const bytes = await readReferralEventBytes(referral.id);
    for (const identifier of [nhsNumber, 'Ada', 'Lovelace', '1950-12-10'])
      expect(bytes).not.toContain(identifier);

    // One correlation id from the HTTP request, through the Kafka event, to the delivery job's log.
    expect(posted.headers.get('x-correlation-id')).toBe(correlationId);
    expect(bytes).toContain(`ce_correlationid=${correlationId}`);
    const delivered = service('notifications')
      .output()
      .split('\n')
      .filter((line) => line.includes('notification delivered'))
      .map((line) => JSON.parse(line) as { correlationId?: string; referralId?: string });
    expect(delivered).toEqual(
      expect.arrayContaining([expect.objectContaining({ correlationId, referralId: referral.id })]),
    );

    // Counted exactly once, even after a while.
    expect(await statsOf()).toBe(baseline + 1);
  });

  it('a retried post with the same Idempotency-Key returns the original and is not counted again', async () => {
    const gp = await token('hillview-gp');
    const ops = await token('platform-ops');
    const analytics = service('analytics').url;
    const hillviewCount = async (): Promise<number> => {
      const response = await fetch(`${analytics}/v1/stats/referrals`, {
        headers: { authorization: `Bearer ${ops}` },
      });
      const body = (await response.json()) as {
        organisations: Array<{ organisationId: string; submitted: number }>;
      };
      return (
        body.organisations.find((o) => o.organisationId === demo.org('org-hillview-surgery'))?.submitted ?? 0
      );
    };
    const baseline = await waitForCaughtUp(analytics, `analytics-${run}`, hillviewCount);
    const body = JSON.stringify({
      patient: { nhsNumber: '9000000009', givenName: 'Alan', familyName: 'Turing', birthDate: '1954-06-07' },
      requesterOdsCode: 'A81002',
      targetServiceId: demo.service('svc-debt-advice'),
      needs: ['sp-need-debt'],
      priority: 'urgent',
      consent: {
        given: true,
        recordedBy: 'Nurse Patel',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    const post = () =>
      fetch(`${service('referrals').url}/v1/referrals`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gp}`,
          'content-type': 'application/json',
          'idempotency-key': `${run}-retry`,
        },
        body,
      });
    const first = await postWhenDirectoryReady(`${service('referrals').url}/v1/referrals`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gp}`,
        'content-type': 'application/json',
        'idempotency-key': `${run}-retry`,
      },
      body,
    });
    const second = await post();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [first.body as { id: string }, (await second.json()) as { id: string }];
    expect(b.id).toBe(a.id);

    await waitFor(async () => (await hillviewCount()) === baseline + 1, {
      timeoutMs: 30_000,
      description: 'counted',
    });
    expect(await waitForCaughtUp(analytics, `analytics-${run}`, hillviewCount)).toBe(baseline + 1);
  });

  it('the token endpoint answers bad client credentials per RFC 6749 inside a problem document', async () => {
    const post = (body: Record<string, string>) =>
      fetch(`${organisationsUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });
    const wrongSecret = await post({
      grant_type: 'client_credentials',
      client_id: 'riverside-gp',
      client_secret: 'nope',
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('content-type')).toContain('application/problem+json');
    expect(await wrongSecret.json()).toMatchObject({ code: 'OAUTH.INVALID_CLIENT', error: 'invalid_client' });

    const missing = await post({});
    expect(missing.status).toBe(400);
    const problem = (await missing.json()) as { error: string; errors: Array<{ field: string }> };
    expect(problem.error).toBe('invalid_request');
    expect(problem.errors.map((e) => e.field)).toEqual(['grant_type', 'client_id', 'client_secret']);

    const jwks = (await (await fetch(`${organisationsUrl}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kty: string; d?: string }>;
    };
    expect(jwks.keys[0]?.kty).toBe('EC');
    expect(jwks.keys[0]?.d).toBeUndefined(); // never the private part
  });

  it('refuses unauthenticated and cross-organisation access with problem documents', async () => {
    const referrals = service('referrals').url;
    const anonymous = await fetch(`${referrals}/v1/referrals`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    const provider = await token('befriend-tees');
    const wrongRole = await fetch(`${referrals}/v1/referrals`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider}` },
    });
    expect(wrongRole.status).toBe(403);
    expect(((await wrongRole.json()) as { code: string }).code).toBe('AUTH.FORBIDDEN');
  });

  it('closes the loop across the services: referral, onward referral, outcome, notifications, trust and analytics', async () => {
    const referrals = service('referrals').url;
    const [gp, linkWorker, befriender, ops] = await Promise.all([
      token('riverside-gp'),
      token('tees-link-workers'),
      token('befriend-tees'),
      token('platform-ops'),
    ]);
    const nhsNumber = '9434765919';
    const json = (bearer: string, extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      ...extra,
    });
    const act = async (bearer: string, id: string, action: string, body: unknown = {}) => {
      const response = await fetch(`${referrals}/v1/referrals/${id}/${action}`, {
        method: 'POST',
        headers: json(bearer),
        body: JSON.stringify(body),
      });
      expect({ action, status: response.status }).toEqual({ action, status: 200 });
      return (await response.json()) as { id: string; status: string; version: number };
    };

    // 1. The GP refers to the PCN's link workers.
    const posted = await postWhenDirectoryReady(`${referrals}/v1/referrals`, {
      method: 'POST',
      headers: json(gp, { 'idempotency-key': `${run}-loop` }),
      body: JSON.stringify({
        patient: { nhsNumber, givenName: 'Grace', familyName: 'Hopper', birthDate: '1946-12-09' },
        requesterOdsCode: 'A81001',
        targetServiceId: demo.service('svc-link-workers'),
        needs: ['sp-need-loneliness'],
        priority: 'routine',
        consent: {
          given: true,
          recordedBy: 'Dr Jones',
          recordedAt: new Date().toISOString(),
          scope: 'share-with-receiving-service',
        },
      }),
    });
    expect(posted.status).toBe(201);
    const parentId = (posted.body as { id: string }).id;

    // 2. The link worker accepts, meets the patient and refers onwards to befriending.
    await act(linkWorker, parentId, 'accept');
    await act(linkWorker, parentId, 'start');
    const onward = await postWhenDirectoryReady(`${referrals}/v1/referrals/${parentId}/onward`, {
      method: 'POST',
      headers: json(linkWorker, { 'idempotency-key': `${run}-onward` }),
      body: JSON.stringify({ targets: [{ targetServiceId: demo.service('svc-befriending') }] }),
    });
    expect(onward.status).toBe(201);
    const childId = (onward.body as { children: Array<{ id: string }> }).children[0]!.id;

    // 3. Befriend Tees accepts, works with the patient and records the outcome with ONS4 scores.
    await act(befriender, childId, 'accept');
    await act(befriender, childId, 'start', {
      wellbeing: { baseline: { lifeSatisfaction: 3, worthwhile: 4, happiness: 3, anxiety: 8 } },
    });
    const completed = await act(befriender, childId, 'complete', {
      outcome: { codes: ['sp-outcome-attended', 'sp-outcome-goals-met'] },
      wellbeing: { followUp: { lifeSatisfaction: 6, worthwhile: 7, happiness: 6, anxiety: 4 } },
    });
    expect(completed.status).toBe('completed');

    // 4. Everyone sees the same status: the parent shows its child's outcome to the GP.
    const parent = (await (
      await fetch(`${referrals}/v1/referrals/${parentId}`, { headers: json(gp) })
    ).json()) as { status: string; children: Array<{ id: string; status: string }> };
    expect(parent.status).toBe('in-progress');
    expect(parent.children).toEqual([expect.objectContaining({ id: childId, status: 'completed' })]);

    // 5. The referrer hears back through the inbox: the GP that the link worker accepted, the link
    //    worker that the befriending service completed.
    const inboxOf = async (bearer: string) =>
      (
        (await (
          await fetch(`${service('notifications').url}/v1/inbox?limit=500`, { headers: json(bearer) })
        ).json()) as { items: Array<{ kind: string; referralId: string }> }
      ).items;
    await waitFor(
      async () =>
        (await inboxOf(gp)).some((i) => i.referralId === parentId && i.kind === 'referral.accepted') ||
        undefined,
      { timeoutMs: 60_000, description: 'the GP told of the acceptance' },
    );
    await waitFor(
      async () =>
        (await inboxOf(linkWorker)).some(
          (i) => i.referralId === childId && i.kind === 'referral.completed',
        ) || undefined,
      { timeoutMs: 60_000, description: 'the link worker told of the outcome' },
    );

    // 6. The directory learns from the referral events: trust signals and a freed place.
    const listing = await waitFor(
      async () => {
        const body = (await (await fetch(`${organisationsUrl}/hsds/services/svc-befriending`)).json()) as {
          sp_trust?: { acceptance_rate: number | null; completion_rate: number | null; sample_size: number };
          sp_capacity?: { caseload: number };
        };
        return body.sp_trust?.completion_rate === 1 ? body : undefined;
      },
      { timeoutMs: 60_000, description: 'trust signals from the referral events' },
    );
    expect(listing.sp_trust).toMatchObject({ acceptance_rate: 1, completion_rate: 1, sample_size: 1 });
    expect(listing.sp_capacity?.caseload).toBe(0);

    // 7. Analytics counts the outcome and the wellbeing change for the service.
    const stats = await waitFor(
      async () => {
        const body = (await (
          await fetch(`${service('analytics').url}/v1/stats/services/${demo.service('svc-befriending')}`, {
            headers: json(ops),
          })
        ).json()) as { transitions: Record<string, number>; wellbeingChange: { pairs: number } };
        return body.transitions['completed'] === 1 ? body : undefined;
      },
      { timeoutMs: 180_000, description: 'analytics counted the completion' },
    );
    expect(stats.wellbeingChange.pairs).toBe(1);

    // 8. No patient identifier crossed Kafka for either referral.
    for (const id of [parentId, childId]) {
      const bytes = await readReferralEventBytes(id);
      expect(bytes).toContain('referral.');
      for (const identifier of [nhsNumber, 'Grace', 'Hopper', '1946-12-09'])
        expect(bytes).not.toContain(identifier);
    }
  });

  it('answers bad input with every problem named and stores nothing', async () => {
    const gp = await token('riverside-gp');
    const stored = async (): Promise<{ referrals: number; audit: number }> => {
      const connection = await mongoose
        .createConnection(mongoFor('referrals'), { retryWrites: false })
        .asPromise();
      try {
        const db = connection.db!;
        return {
          referrals: await db.collection('referrals').countDocuments(),
          audit: await db.collection('audit_log').countDocuments({ action: 'referral.create' }),
        };
      } finally {
        await connection.close();
      }
    };
    const before = await stored();
    const response = await fetch(`${service('referrals').url}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        patient: {
          nhsNumber: '9434765918',
          givenName: 'Ada',
          familyName: 'Lovelace',
          birthDate: '1950-12-10',
        },
        requesterOdsCode: 'A81002',
        targetServiceId: demo.service('svc-link-workers'),
        needs: ['not-a-need'],
        priority: 'routine',
        consent: {
          given: false,
          recordedBy: 'Dr Jones',
          recordedAt: new Date().toISOString(),
          scope: 'share-with-receiving-service',
        },
      }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('VALIDATION.FAILED');
    expect(problem.errors.map((e) => e.field).sort()).toEqual([
      'consent.given',
      'needs[0]',
      'patient.nhsNumber',
      'requesterOdsCode',
    ]);

    const malformed = await fetch(`${service('referrals').url}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/json' },
      body: '{"patient": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('REQUEST.MALFORMED_JSON');

    const unknownField = await fetch(`${service('referrals').url}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ colour: 'red' }),
    });
    expect(unknownField.status).toBe(400);
    const unknownProblem = (await unknownField.json()) as { errors: Array<{ field: string; code: string }> };
    expect(unknownProblem.errors).toEqual(
      expect.arrayContaining([{ field: 'colour', code: 'unknown_field', message: expect.any(String) }]),
    );

    expect(await stored()).toEqual(before);
  });
});

/** Waits until the consumer group has no lag (per /metrics) and the value has settled, then returns it. */
async function waitForCaughtUp(
  serviceUrl: string,
  group: string,
  value: () => Promise<number>,
): Promise<number> {
  let previous = -1;
  return waitFor(
    async () => {
      const metrics = await (await fetch(`${serviceUrl}/metrics`)).text();
      const lags = metrics
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('sp_consumer_lag{') &&
            line.includes(`group="${group}"`) &&
            line.includes('sp.referrals.lifecycle.v1'),
        );
      const caughtUp = lags.length > 0 && lags.every((line) => Number(line.split(' ').pop()) === 0);
      const current = await value();
      const settled = caughtUp && current === previous;
      previous = current;
      return settled ? { current } : undefined; // wrapped: a settled count of 0 is still an answer
    },
    // Generous: a new consumer group reads the shared topic from the beginning, which holds every
    // event the earlier test suites produced on this broker.
    { timeoutMs: 180_000, intervalMs: 500, description: `${group} caught up` },
  ).then((v) => v.current);
}

/** Reads the raw Kafka records of one referral from the lifecycle topic. */
async function readReferralEventBytes(referralId: string): Promise<string> {
  const kafka = new Kafka({
    clientId: 'e2e-reader',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName('e2e-reader') });
  const found: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'sp.referrals.lifecycle.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === referralId) {
          const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`);
          found.push(`${message.key.toString()} ${message.value?.toString() ?? ''} ${headers.join(' ')}`);
        }
      },
    });
    await waitFor(() => found.length > 0, { timeoutMs: 30_000, description: 'referral event on the topic' });
  } finally {
    await consumer.disconnect();
  }
  return found.join('\n');
}

/**
 * Posts until the referrals service's directory replica knows the target: right after the demo
 * seed, the directory events may still be on their way through Kafka (422 unknown_service or
 * organisation_unverified). Retrying is safe because every post carries an Idempotency-Key.
 */
async function postWhenDirectoryReady(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  return waitFor(
    async () => {
      const response = await fetch(url, init);
      const body: unknown = await response.json();
      const codes = ((body as { errors?: Array<{ code: string }> }).errors ?? []).map((e) => e.code);
      const notYet =
        response.status === 422 &&
        codes.length > 0 &&
        codes.every((c) => c === 'unknown_service' || c === 'organisation_unverified');
      return notYet ? undefined : { status: response.status, body, headers: response.headers };
    },
    { timeoutMs: 60_000, intervalMs: 500, description: `the directory replica ready for ${url}` },
  );
}
