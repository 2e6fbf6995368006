// Signed webhooks on the real stack: the notifications service in-process on the real Kafka,
// MongoDB and Redis; referral events produced to Kafka reach a real HTTP receiver on loopback
// (allowed by config, as the local platform does) that verifies each Standard Webhooks signature
// with the endpoint's secret. Endpoint management, tenancy (404 for another organisation's
// endpoint), bad input (422 naming each problem), rotation with both signatures, thin payloads.
import { randomUUID } from 'node:crypto';
import { ReferralRejectedV1 } from '@sp/contracts';
import { waitFor } from '@sp/testing';
import { Webhook } from 'standardwebhooks';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { startEmailWorld, type EmailWorld } from './support/email-world';
import { startWebhookReceiver, webhookHeaders, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

interface Problem {
  field: string;
  code: string;
  message: string;
}

/** What the webhook API answers (each answer has some of these). */
interface Answer {
  id: string;
  secret: string;
  url: string;
  eventTypes: string[];
  description: string;
  enabled: boolean;
  previousSecretExpiresAt: string;
  code: string;
  errors: Problem[];
  items: Array<{ id: string }>;
}

const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('signed webhooks: endpoints and delivery', () => {
  let world: EmailWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    world = await startEmailWorld('notif-wh', {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      WEBHOOK_RETRY_SCHEDULE_MS: '200,200',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_DISABLE_AFTER_MS: '',
    });
  });

  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  const api = (method: string, path: string, token: string, body?: unknown) =>
    world.api<Answer>(method, path, token, body);

  const createEndpoint = async (token: string, body: Record<string, unknown>) => {
    const created = await api('POST', '/v1/webhook-endpoints', token, body);
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string; url: string; eventTypes: string[] };
  };

  const rejected = (referralId: string, gp: string, vcs: string) =>
    world.event(ReferralRejectedV1, {
      referralId,
      version: 2,
      requesterOrganisationId: gp,
      ownerOrganisationId: vcs,
      patientKey: PATIENT_KEY,
      submittedAt: new Date(Date.now() - 3600_000).toISOString(),
      occurredAt: new Date().toISOString(),
      fromStatus: 'requested',
      toStatus: 'rejected',
      actor: { organisationId: vcs, role: 'provider' },
      reasonCode: 'no-capacity',
    });

  const receivedAt = (path: string, count: number, description: string) =>
    waitFor(async () => (receiver.at(path).length >= count ? receiver.at(path) : undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description,
    });

  it("registers an endpoint for the caller's organisation, shows the secret once, and hides it from other organisations (404)", async () => {
    const vcs = await world.organisation('vcs-a', false);
    const other = await world.organisation('vcs-b', false);
    const token = await world.token(vcs.id);
    const otherToken = await world.token(other.id);
    const created = await api('POST', '/v1/webhook-endpoints', token, {
      url: `${receiver.url}/mine`,
      eventTypes: ['referral.submitted'],
      description: 'Case system',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organisationId: vcs.id,
      url: `${receiver.url}/mine`,
      eventTypes: ['referral.submitted'],
      description: 'Case system',
      enabled: true,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const id = created.body.id as string;

    const read = await api('GET', `/v1/webhook-endpoints/${id}`, token);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(created.body.secret.slice(6, 20));
    const list = await api('GET', '/v1/webhook-endpoints', token);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    // Another organisation: not found, whatever it tries; nothing changes.
    for (const [method, path, body] of [
      ['GET', `/v1/webhook-endpoints/${id}`, undefined],
      ['PATCH', `/v1/webhook-endpoints/${id}`, { description: 'taken over' }],
      ['DELETE', `/v1/webhook-endpoints/${id}`, undefined],
      ['POST', `/v1/webhook-endpoints/${id}/rotate-secret`, {}],
      ['GET', `/v1/webhook-endpoints/${id}/attempts`, undefined],
      ['GET', `/v1/webhook-endpoints/${id}/messages`, undefined],
      ['POST', `/v1/webhook-endpoints/${id}/replay`, { since: new Date(0).toISOString() }],
      ['POST', `/v1/webhook-endpoints/${id}/messages/msg_0/replay`, undefined],
    ] as const) {
      const answer = await api(method, path, otherToken, body);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
      expect(answer.body.code).toBe('WEBHOOK.ENDPOINT_NOT_FOUND');
    }
    expect((await api('GET', '/v1/webhook-endpoints', otherToken)).body.items).toEqual([]);
    expect((await api('GET', `/v1/webhook-endpoints/${id}`, token)).body.description).toBe('Case system');
    // Operations may read any organisation's endpoints.
    const ops = await world.token('platform-ops', 'ops');
    expect((await api('GET', `/v1/webhook-endpoints/${id}`, ops)).status).toBe(200);

    const deleted = await api('DELETE', `/v1/webhook-endpoints/${id}`, token);
    expect(deleted.status).toBe(204);
    expect((await api('GET', `/v1/webhook-endpoints/${id}`, token)).status).toBe(404);
  });

  it('refuses an invalid URL, a private target and unknown event types with a 422 naming each problem, and changes nothing', async () => {
    const vcs = await world.organisation('vcs-bad', false);
    const token = await world.token(vcs.id);
    const bad = await api('POST', '/v1/webhook-endpoints', token, {
      url: 'http://10.20.30.40/hook',
      eventTypes: ['referral.submitted', 'referral.teleported', 'patient.moved'],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['url', 'private_target'],
      ['eventTypes[1]', 'unknown_event_type'],
      ['eventTypes[2]', 'unknown_event_type'],
    ]);
    expect(bad.body.errors[0].message).toContain('10.20.30.40 is a private address');

    for (const [url, code] of [
      ['not a url', 'invalid_url'],
      ['ftp://partner.example/hook', 'invalid_scheme'],
      ['http://169.254.169.254/latest/meta-data', 'private_target'],
      ['http://[::ffff:192.168.0.1]/hook', 'private_target'],
      ['http://0.0.0.0/hook', 'private_target'],
      ['http://user:pw@127.0.0.1/hook', 'credentials_in_url'],
    ] as const) {
      const answer = await api('POST', '/v1/webhook-endpoints', token, { url });
      expect({
        url,
        status: answer.status,
        codes: answer.body.errors.map((e: { code: string }) => e.code),
      }).toEqual({
        url,
        status: 422,
        codes: [code],
      });
    }
    // Malformed bodies: 400 naming the fields.
    const malformed = await api('POST', '/v1/webhook-endpoints', token, { url: 5, secret: 'mine' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['secret', 'url']);
    expect((await api('GET', '/v1/webhook-endpoints', token)).body.items).toEqual([]);

    // An update to a private target changes nothing either.
    const endpoint = await createEndpoint(token, { url: `${receiver.url}/fine` });
    const update = await api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, token, {
      url: 'http://192.168.1.10/inside',
      eventTypes: ['nope'],
    });
    expect(update.status).toBe(422);
    expect(update.body.errors.map((e: { field: string }) => e.field)).toEqual(['url', 'eventTypes[0]']);
    const after = await api('GET', `/v1/webhook-endpoints/${endpoint.id}`, token);
    expect(after.body).toMatchObject({ url: `${receiver.url}/fine`, eventTypes: [] });
  });

  it('delivers signed, thin webhooks from Kafka events to the subscribed endpoints, once per event, verified with the secret', async () => {
    const gp = await world.organisation('gp', false);
    const vcs = await world.organisation('vcs', false);
    const all = await createEndpoint(await world.token(vcs.id), { url: `${receiver.url}/vcs-all` });
    const remindersOnly = await createEndpoint(await world.token(vcs.id), {
      url: `${receiver.url}/vcs-reminders`,
      eventTypes: ['referral.reminder-due'],
    });
    const gpRejections = await createEndpoint(await world.token(gp.id, 'referrer'), {
      url: `${receiver.url}/gp`,
      eventTypes: ['referral.rejected'],
    });
    const referralId = randomUUID();
    const submitted = world.submitted(referralId, vcs.id, gp.id);
    const rejection = rejected(referralId, gp.id, vcs.id);
    await world.publish([submitted, rejection]);

    const [toVcs] = await receivedAt('/vcs-all', 1, 'the submission at the VCS endpoint');
    const [toGp] = await receivedAt('/gp', 1, 'the rejection at the GP endpoint');
    // Verified with each endpoint's own secret (standardwebhooks), as a receiver does.
    expect(new Webhook(all.secret).verify(toVcs!.body, webhookHeaders(toVcs!))).toEqual({
      type: 'referral.submitted',
      timestamp: submitted.data && (submitted.data as { occurredAt: string }).occurredAt,
      data: { referralId, eventId: submitted.id, status: 'requested' },
    });
    expect(new Webhook(gpRejections.secret).verify(toGp!.body, webhookHeaders(toGp!))).toEqual({
      type: 'referral.rejected',
      timestamp: (rejection.data as { occurredAt: string }).occurredAt,
      data: { referralId, eventId: rejection.id, status: 'rejected', reasonCode: 'no-capacity' },
    });
    expect(() => new Webhook(gpRejections.secret).verify(toVcs!.body, webhookHeaders(toVcs!))).toThrow();
    expect(toVcs!.headers['content-type']).toBe('application/json');
    expect(toVcs!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(toVcs!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // Thin: nothing of the patient, not even the pseudonymous key.
    for (const r of [toVcs!, toGp!]) expect(r.body).not.toContain(PATIENT_KEY);

    // The ledger: delivered on the webhook channel, the endpoint as target.
    const statuses = world.app.get(NotificationStatusRepository);
    const entry = await waitFor(
      async () => {
        const e = await statuses.findOne(`${submitted.id}:${vcs.id}`, 'webhook', all.id);
        return e?.status === 'delivered' ? e : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'ledger: delivered' },
    );
    expect(entry).toMatchObject({
      channel: 'webhook',
      target: all.id,
      kind: 'referral.submitted',
      referralId,
    });

    // The same events again (a redelivery) and a later one: the later one arrives, nothing twice.
    const later = world.submitted(randomUUID(), vcs.id, gp.id);
    await world.publish([submitted, rejection, later]);
    await receivedAt('/vcs-all', 2, 'the later submission');
    expect(receiver.at('/vcs-all').map((r) => JSON.parse(r.body).data.eventId)).toEqual([
      submitted.id,
      later.id,
    ]);
    expect(receiver.at('/gp')).toHaveLength(1);
    expect(receiver.at('/vcs-reminders')).toHaveLength(0);
    expect(remindersOnly.eventTypes).toEqual(['referral.reminder-due']);
  });

  it('after a secret rotation sends both signatures during the overlap, then only the new one', async () => {
    const vcs = await world.organisation('vcs-rot', false);
    const token = await world.token(vcs.id);
    const endpoint = await createEndpoint(token, { url: `${receiver.url}/rotating` });
    const rotated = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, token, {
      overlapSeconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3500_000);

    await world.publish([world.submitted(randomUUID(), vcs.id)]);
    const [during] = await receivedAt('/rotating', 1, 'a delivery during the overlap');
    expect(during!.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(endpoint.secret).verify(during!.body, webhookHeaders(during!))).not.toThrow();
    expect(() =>
      new Webhook(rotated.body.secret).verify(during!.body, webhookHeaders(during!)),
    ).not.toThrow();

    const tooLong = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, token, {
      overlapSeconds: 8 * 24 * 3600,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].field).toBe('overlapSeconds');

    const immediate = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, token, {
      overlapSeconds: 0,
    });
    await world.publish([world.submitted(randomUUID(), vcs.id)]);
    const [, after] = await receivedAt('/rotating', 2, 'a delivery after an immediate rotation');
    expect(after!.headers['webhook-signature']).toMatch(/^v1,\S+$/);
    expect(() =>
      new Webhook(immediate.body.secret).verify(after!.body, webhookHeaders(after!)),
    ).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(after!.body, webhookHeaders(after!))).toThrow();
  });
});
