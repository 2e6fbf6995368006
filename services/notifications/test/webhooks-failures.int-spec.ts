// Webhook failures on the real stack (Kafka, MongoDB, Redis, a real HTTP receiver, Mailpit):
// retries on the schedule (shortened by config) then success, every attempt listed with cursors;
// a message failing every attempt, replayed alone and with every failure since a time (same
// webhook-id); 410 disables the endpoint and emails the organisation; a hanging receiver is cut
// off at the timeout, holds at most its in-flight limit, and another endpoint is served promptly.
import { randomUUID } from 'node:crypto';
import { waitFor } from '@sp/testing';
import { Webhook } from 'standardwebhooks';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { mailMessage, mailTo, startEmailWorld, type EmailWorld } from './support/email-world';
import { startWebhookReceiver, webhookHeaders, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

interface Attempt {
  id: string;
  messageId: string;
  attempt: number;
  at: string;
  latencyMs: number;
  status: 'succeeded' | 'failed';
  responseStatus?: number;
  error?: string;
  nextAttemptAt?: string;
}

interface Message {
  id: string;
  type: string;
  referralId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  failureReason?: string;
}

/** What the webhook API answers (each answer has some of these). */
interface Answer {
  id: string;
  secret: string;
  enabled: boolean;
  disabledReason?: string;
  count: number;
  code: string;
  errors: Array<{ field: string; code: string }>;
  items: Array<Attempt & Message>;
  nextCursor?: string;
}

const TIMEOUT_MS = 1000;

describe('signed webhooks: retries, disabling, replay, slow receivers', () => {
  let world: EmailWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    world = await startEmailWorld('notif-whf', {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      WEBHOOK_RETRY_SCHEDULE_MS: '300,300,300',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_DISABLE_AFTER_MS: '',
      WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: '2',
    });
  });

  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  const api = (method: string, path: string, token: string, body?: unknown) =>
    world.api<Answer>(method, path, token, body);

  /** A run-unique organisation (with a directory contact email) and one endpoint of it at `path`. */
  const endpointAt = async (path: string) => {
    const organisation = await world.organisation(path.replace(/\W/g, ''));
    const token = await world.token(organisation.id);
    const created = await api('POST', '/v1/webhook-endpoints', token, { url: `${receiver.url}${path}` });
    expect(created.status).toBe(201);
    return { organisation, token, id: created.body.id, secret: created.body.secret };
  };

  const messages = async (endpoint: { id: string; token: string }, query = '') =>
    (await api('GET', `/v1/webhook-endpoints/${endpoint.id}/messages${query}`, endpoint.token)).body.items;

  const messagesWith = (endpoint: { id: string; token: string }, status: string, count: number) =>
    waitFor(
      async () => {
        const found = await messages(endpoint, `?status=${status}`);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: `${count} ${status} messages` },
    );

  const received = (path: string, count: number) =>
    waitFor(async () => (receiver.at(path).length >= count ? receiver.at(path) : undefined), {
      timeoutMs: 60_000,
      intervalMs: 50,
      description: `${count} requests at ${path}`,
    });

  it('retries a failing receiver on the schedule until it answers 2xx, the same webhook-id every time, each attempt listed', async () => {
    receiver.answer('/flaky', (n) => (n <= 2 ? 503 : 200));
    const endpoint = await endpointAt('/flaky');
    const referralId = randomUUID();
    await world.publish([world.submitted(referralId, endpoint.organisation.id)]);

    const requests = await received('/flaky', 3);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of requests)
      expect(() => new Webhook(endpoint.secret).verify(r.body, webhookHeaders(r))).not.toThrow();
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(290);
    const [delivered] = await messagesWith(endpoint, 'delivered', 1);
    expect(delivered).toMatchObject({ type: 'referral.submitted', referralId, attempts: 3 });

    const all = await api('GET', `/v1/webhook-endpoints/${endpoint.id}/attempts`, endpoint.token);
    expect(all.body.items.map((a) => [a.attempt, a.status, a.responseStatus, a.messageId])).toEqual([
      [3, 'succeeded', 200, delivered!.id],
      [2, 'failed', 503, delivered!.id],
      [1, 'failed', 503, delivered!.id],
    ]);
    for (const a of all.body.items) expect(a.latencyMs).toEqual(expect.any(Number));
    expect(
      Date.parse(all.body.items[2]!.nextAttemptAt!) - Date.parse(all.body.items[2]!.at),
    ).toBeGreaterThanOrEqual(300);
    expect(all.body.items[0]!.nextAttemptAt).toBeUndefined();

    // Cursor pagination, and the status filter.
    const first = await api('GET', `/v1/webhook-endpoints/${endpoint.id}/attempts?limit=2`, endpoint.token);
    expect(first.body.items.map((a) => a.attempt)).toEqual([3, 2]);
    const next = await api(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}/attempts?limit=2&cursor=${first.body.nextCursor}`,
      endpoint.token,
    );
    expect(next.body.items.map((a) => a.attempt)).toEqual([1]);
    expect(next.body.nextCursor).toBeUndefined();
    const failed = await api(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}/attempts?status=failed`,
      endpoint.token,
    );
    expect(failed.body.items.map((a) => a.attempt)).toEqual([2, 1]);
    const bad = await api(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}/attempts?status=meh&limit=0&cursor=x`,
      endpoint.token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['status', 'cursor', 'limit']);

    const ledger = await world.app
      .get(NotificationStatusRepository)
      .list({ organisationId: endpoint.organisation.id, channel: 'webhook', limit: 10 });
    expect(ledger.map((e) => [e.target, e.status])).toEqual([[endpoint.id, 'delivered']]);
  });

  it('fails a message after the last attempt, and replays it alone, then every failure since a time, with the same webhook-ids', async () => {
    receiver.answer('/down', 500);
    const endpoint = await endpointAt('/down');
    const since = new Date().toISOString();
    const first = world.submitted(randomUUID(), endpoint.organisation.id);
    await world.publish([first]);
    const [failed] = await messagesWith(endpoint, 'failed', 1);
    expect(failed).toMatchObject({ attempts: 4, failureReason: 'http-500' });
    expect(receiver.at('/down')).toHaveLength(4);
    const statuses = world.app.get(NotificationStatusRepository);
    expect(
      await statuses.findOne(`${first.id}:${endpoint.organisation.id}`, 'webhook', endpoint.id),
    ).toMatchObject({
      status: 'failed',
      reason: 'http-500',
    });

    receiver.answer('/down', 200);
    const one = await api(
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/messages/${failed!.id}/replay`,
      endpoint.token,
    );
    expect([one.status, one.body.count]).toEqual([202, 1]);
    const [, , , , replayed] = await received('/down', 5);
    expect(replayed!.headers['webhook-id']).toBe(failed!.id);
    expect(() =>
      new Webhook(endpoint.secret).verify(replayed!.body, webhookHeaders(replayed!)),
    ).not.toThrow();
    await messagesWith(endpoint, 'delivered', 1);
    await waitFor(
      async () =>
        (await statuses.findOne(`${first.id}:${endpoint.organisation.id}`, 'webhook', endpoint.id))
          ?.status === 'delivered',
      { timeoutMs: 30_000, intervalMs: 100, description: 'ledger: delivered after the replay' },
    );

    // Two more that fail, then one replay of every failure since the start: only those two.
    receiver.answer('/down', 500);
    await world.publish([
      world.submitted(randomUUID(), endpoint.organisation.id),
      world.submitted(randomUUID(), endpoint.organisation.id),
    ]);
    const failures = await messagesWith(endpoint, 'failed', 2);
    receiver.answer('/down', 204);
    const before = receiver.at('/down').length;
    const all = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, endpoint.token, { since });
    expect([all.status, all.body.count]).toEqual([202, 2]);
    const after = (await received('/down', before + 2)).slice(before);
    expect(after.map((r) => r.headers['webhook-id']).sort()).toEqual(failures.map((m) => m.id).sort());
    await messagesWith(endpoint, 'delivered', 3);

    const invalid = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, endpoint.token, {
      since: 'yesterday',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0]!.field).toBe('since');
    const unknown = await api(
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/messages/msg_nope/replay`,
      endpoint.token,
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'WEBHOOK.MESSAGE_NOT_FOUND']);
  });

  it('disables an endpoint that answers 410, sends it nothing more, and emails its organisation', async () => {
    receiver.answer('/gone', 410);
    const endpoint = await endpointAt('/gone');
    await world.publish([world.submitted(randomUUID(), endpoint.organisation.id)]);
    await received('/gone', 1);
    const disabled = await waitFor(
      async () => {
        const e = await api('GET', `/v1/webhook-endpoints/${endpoint.id}`, endpoint.token);
        return e.body.enabled === false ? e.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'endpoint disabled' },
    );
    expect(disabled.disabledReason).toBe('gone');
    const [failed] = await messagesWith(endpoint, 'failed', 1);
    expect(failed!.failureReason).toBe('gone');

    // The organisation also gets its new-referral emails: find this one by its subject, once.
    const subject = `Your webhook endpoint ${endpoint.id} was disabled`;
    const summary = await waitFor(
      async () => (await mailTo(endpoint.organisation.email)).find((m) => m.Subject === subject),
      { timeoutMs: 60_000, intervalMs: 250, description: 'the endpoint-disabled email' },
    );
    const mail = await mailMessage(summary.ID);
    expect(mail.Text).toContain(`${receiver.url}/gone`);
    expect(mail.Text).toContain('Why: gone');

    // Nothing more is sent to it (the organisation's other endpoint gets the next event); replay
    // waits for it to be re-enabled.
    const control = await api('POST', '/v1/webhook-endpoints', endpoint.token, {
      url: `${receiver.url}/gone-control`,
    });
    expect(control.status).toBe(201);
    await world.publish([world.submitted(randomUUID(), endpoint.organisation.id)]);
    await received('/gone-control', 1);
    expect(await messages(endpoint)).toHaveLength(1);
    expect(receiver.at('/gone')).toHaveLength(1);
    const replay = await api(
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/messages/${failed!.id}/replay`,
      endpoint.token,
    );
    expect([replay.status, replay.body.code]).toEqual([409, 'WEBHOOK.ENDPOINT_DISABLED']);
    receiver.answer('/gone', 200);
    const enabled = await api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, endpoint.token, {
      enabled: true,
    });
    expect(enabled.body).toMatchObject({ enabled: true });
    expect(enabled.body.disabledReason).toBeUndefined();
    const again = await api(
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/messages/${failed!.id}/replay`,
      endpoint.token,
    );
    expect(again.status).toBe(202);
    await received('/gone', 2);
    const emails = (await mailTo(endpoint.organisation.email)).filter((m) => m.Subject === subject);
    expect(emails).toHaveLength(1);
  });

  it('cuts a hanging receiver off at the timeout, holds it to its in-flight limit, and serves another endpoint promptly', async () => {
    receiver.answer('/hang', 'hang');
    const hanging = await endpointAt('/hang');
    const prompt = await endpointAt('/prompt');
    await world.publish(
      Array.from({ length: 6 }, () => world.submitted(randomUUID(), hanging.organisation.id)),
    );
    await received('/hang', 2); // two attempts hang now

    const published = Date.now();
    await world.publish([world.submitted(randomUUID(), prompt.organisation.id)]);
    const [served] = await received('/prompt', 1);
    expect(served!.at - published).toBeLessThan(TIMEOUT_MS * 3);

    const attempts = await waitFor(
      async () => {
        const page = await api('GET', `/v1/webhook-endpoints/${hanging.id}/attempts`, hanging.token);
        return page.body.items.length >= 4 ? page.body.items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'attempts at the hanging receiver' },
    );
    for (const a of attempts) {
      expect(a).toMatchObject({ status: 'failed', error: `timed out after ${TIMEOUT_MS} ms` });
      expect(a.responseStatus).toBeUndefined();
      expect(a.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(a.latencyMs).toBeLessThan(TIMEOUT_MS + 1500);
    }
    expect(receiver.maxInFlight('/hang')).toBe(2);
  });
});
