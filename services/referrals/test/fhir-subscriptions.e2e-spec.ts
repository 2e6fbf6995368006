/**
 * FHIR topic-based Subscriptions (R4 backport) on the real stack: the referrals service booted
 * in-process on Kafka, MongoDB and Redis (its own lifecycle events drive the fan-out, BullMQ
 * delivers), real HTTP subscribers on this machine, every notification Bundle checked by HAPI's
 * validator against FHIR R4 core. Set-up: support/fhir-subscriptions-world.ts.
 */
import { expectValidFhirByHapi, waitFor } from '@sp/testing';
import { BACKPORT_EXTENSIONS } from '../src/fhir-subscriptions/domain/subscription-topic';
import {
  eventNumberOf,
  focusOf,
  param,
  subscriptionsWorld,
  typeOf,
  type SubscriptionsWorld,
} from './support/fhir-subscriptions-world';

describe('FHIR Subscriptions (R4 topic-based backport) end to end', () => {
  let w: SubscriptionsWorld;

  beforeAll(async () => {
    w = await subscriptionsWorld('fhirsubs');
  }, 240_000);

  afterAll(async () => {
    await w?.close();
  }, 60_000);

  it('a VCS portal subscribes: handshake with its header, then active; Task changes it may see arrive as id-only notification Bundles, numbered; heartbeats follow', async () => {
    const { base, org, receiver } = w;
    const subA = await w.subscribe(
      'vcsA',
      w.subscription('/vcs-a', {
        filter: `Task?owner=Organization/${org.vcsA}`,
        heartbeat: 1,
        header: ['Authorization: Bearer portal-a-secret'],
      }),
    );
    const subB = await w.subscribe('vcsB', w.subscription('/vcs-b'));
    const subGp = await w.subscribe(
      'gp',
      w.subscription('/gp', { filter: `Task?requester=${org.gp}&status=accepted` }),
    );
    const handshake = await waitFor(
      () => receiver.received.find((r) => r.path === '/vcs-a' && typeOf(r) === 'handshake'),
      { timeoutMs: 30_000, description: 'handshake at /vcs-a' },
    );
    expect(handshake.headers.authorization).toBe('Bearer portal-a-secret');
    expect(handshake.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(param(handshake.body, 'status')?.valueCode).toBe('requested');
    expect(param(handshake.body, 'subscription')?.valueReference?.reference).toBe(
      `${base}/fhir/Subscription/${subA}`,
    );
    await expectValidFhirByHapi(handshake.body);
    const active = await w.waitForStatus('vcsA', subA, 'active');
    await w.waitForStatus('vcsB', subB, 'active');
    await w.waitForStatus('gp', subGp, 'active');
    expect(active.body.channel.header).toEqual(['Authorization: ***']);
    await expectValidFhirByHapi(active.body);

    const rid = await w.refer(w.svc.a);
    await waitFor(() => w.eventsAt('/vcs-a').length >= 1, { timeoutMs: 30_000, description: 'first event' });
    expect((await w.setStatus('vcsA', rid, 'accepted')).status).toBe(200);
    await waitFor(() => w.eventsAt('/vcs-a').length >= 2, { timeoutMs: 30_000, description: 'second event' });
    await waitFor(() => w.eventsAt('/gp').length >= 1, {
      timeoutMs: 30_000,
      description: 'accepted event at /gp',
    });

    const [created, changed] = w.eventsAt('/vcs-a');
    for (const n of [created!, changed!]) {
      expect(focusOf(n)).toBe(`${base}/fhir/Task/${rid}`);
      expect(n.body.entry[1]).toEqual(expect.objectContaining({ fullUrl: `${base}/fhir/Task/${rid}` }));
      expect(n.body.entry[1].resource).toBeUndefined();
      expect(n.headers.authorization).toBe('Bearer portal-a-secret');
      await expectValidFhirByHapi(n.body);
    }
    expect([created!, changed!].map(eventNumberOf)).toEqual(['1', '2']);
    expect(created!.body.entry[1].request).toEqual({ method: 'POST', url: 'Task' });
    expect(changed!.body.entry[1].request).toEqual({ method: 'PUT', url: `Task/${rid}` });
    // Nothing about the patient anywhere in what was sent.
    expect(JSON.stringify(receiver.received.map((r) => r.body))).not.toMatch(
      /nhs-number|birthDate|"family"|"given"|Patient\//,
    );
    // The GP's filter (status=accepted) let only the acceptance through.
    expect(w.eventsAt('/gp').map(focusOf)).toEqual([`${base}/fhir/Task/${rid}`]);
    // VCS B may not see VCS A's referral: never notified of it, whatever its (empty) filter.
    expect(w.eventsAt('/vcs-b')).toEqual([]);

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

    const status = await w.fhir('vcsA', 'GET', `/fhir/Subscription/${subA}/$status`);
    expect(status.status).toBe(200);
    expect(status.body.entry[0].resource.parameter).toEqual(
      expect.arrayContaining([
        { name: 'status', valueCode: 'active' },
        { name: 'events-since-subscription-start', valueString: '2' },
      ]),
    );
    await expectValidFhirByHapi(status.body);
  });

  it('open referrals: a provider subscribed to owner:missing hears of those its services could claim, not of others', async () => {
    const subA = await w.subscribe('vcsA', w.subscription('/open-a', { filter: 'Task?owner:missing=true' }));
    const subB = await w.subscribe('vcsB', w.subscription('/open-b', { filter: 'Task?owner:missing=true' }));
    await w.waitForStatus('vcsA', subA, 'active');
    await w.waitForStatus('vcsB', subB, 'active');
    // Loneliness: VCS A's service meets it, VCS B's (debt) does not.
    const rid = await w.refer(null);
    const open = await waitFor(() => w.eventsAt('/open-a')[0], {
      timeoutMs: 30_000,
      description: 'open event',
    });
    expect(focusOf(open)).toBe(`${w.base}/fhir/Task/${rid}`);
    await expectValidFhirByHapi(open.body);
    // VCS A claims it: no longer open, so the owner:missing filter lets the claim through no more.
    const claim = await w.fhir(
      'vcsA',
      'PATCH',
      `/fhir/Task/${rid}`,
      [
        { op: 'add', path: '/owner', value: { reference: `HealthcareService/${w.svc.a}` } },
        { op: 'replace', path: '/status', value: 'accepted' },
      ],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(claim.status).toBe(200);
    const gpSub = await w.subscribe('gp', w.subscription('/open-gp', { filter: `Task?_id=${rid}` }));
    await w.waitForStatus('gp', gpSub, 'active');
    expect((await w.setStatus('vcsA', rid, 'in-progress')).status).toBe(200);
    await waitFor(() => w.eventsAt('/open-gp').length >= 1, { timeoutMs: 30_000, description: 'GP event' });
    expect(w.eventsAt('/open-a')).toHaveLength(1);
    expect(w.eventsAt('/open-b')).toEqual([]);
  });

  it("the caller's own subscriptions only: search, read, delete; another organisation's is 404; deleted is 410 and nothing more is sent (but one already in flight)", async () => {
    const subId = await w.subscribe('vcsA', w.subscription('/vcs-a-2', { heartbeat: 1 }));
    await w.waitForStatus('vcsA', subId, 'active');
    const search = await w.fhir('vcsA', 'GET', '/fhir/Subscription?status=active');
    expect(search.status).toBe(200);
    const ids = search.body.entry.map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids).toContain(subId);
    await expectValidFhirByHapi(search.body);
    const theirs = await w.fhir('vcsB', 'GET', '/fhir/Subscription');
    expect(theirs.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).not.toContain(subId);
    expect((await w.fhir('vcsB', 'GET', `/fhir/Subscription/${subId}`)).status).toBe(404);
    expect((await w.fhir('vcsB', 'DELETE', `/fhir/Subscription/${subId}`)).status).toBe(404);
    expect((await w.fhir('vcsA', 'GET', '/fhir/Subscription?colour=red')).status).toBe(400);

    expect((await w.fhir('vcsA', 'DELETE', `/fhir/Subscription/${subId}`)).status).toBe(204);
    const gone = await w.fhir('vcsA', 'GET', `/fhir/Subscription/${subId}`);
    expect(gone.status).toBe(410);
    expect(gone.body.resourceType).toBe('OperationOutcome');
    const countAfterDelete = w.receiver.received.filter((r) => r.path === '/vcs-a-2').length;
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two heartbeat periods
    expect(w.receiver.received.filter((r) => r.path === '/vcs-a-2').length).toBeLessThanOrEqual(
      countAfterDelete + 1,
    );
  });

  it('bad subscriptions: one OperationOutcome issue per problem with its expression, nothing stored', async () => {
    const body = w.subscription('/bad', { filter: 'Task?colour=blue' });
    Object.assign(body, { criteria: 'http://example.org/SubscriptionTopic/unknown' });
    Object.assign(body.channel, {
      type: 'websocket',
      endpoint: 'ftp://127.0.0.1/x',
      _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'full-resource' }] },
    });
    const res = await w.fhir('vcsB', 'POST', '/fhir/Subscription', body);
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

    const other = await w.fhir(
      'vcsB',
      'POST',
      '/fhir/Subscription',
      w.subscription('/bad', { filter: `Task?owner=${w.org.vcsA}` }),
    );
    expect(other.status).toBe(403);
    expect(other.body.issue).toEqual([
      expect.objectContaining({
        code: 'forbidden',
        expression: ['Subscription.criteria.extension[0].valueString'],
      }),
    ]);
    expect(
      (await w.fhir('vcsB', 'POST', '/fhir/Subscription', { resourceType: 'Subscription' })).status,
    ).toBe(400);
    expect((await w.fhir(undefined, 'POST', '/fhir/Subscription', w.subscription('/bad'))).status).toBe(401);

    const listed = await w.fhir('vcsB', 'GET', '/fhir/Subscription');
    const endpoints = listed.body.entry.map(
      (e: { resource: { channel: { endpoint: string } } }) => e.resource.channel.endpoint,
    );
    expect(endpoints.filter((e: string) => e.endsWith('/bad'))).toEqual([]);
    expect(w.receiver.received.filter((r) => r.path === '/bad')).toEqual([]);
  });
});
