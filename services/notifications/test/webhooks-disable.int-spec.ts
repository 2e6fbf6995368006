// An endpoint whose attempts have all failed for longer than the limit is disabled and its
// organisation emailed (real stack, Mailpit). The limit is days in production
// (WEBHOOK_DISABLE_AFTER_DAYS); here WEBHOOK_DISABLE_AFTER_MS makes it 1.5 s.
import { randomUUID } from 'node:crypto';
import { waitFor } from '@sp/testing';
import { mailMessage, mailTo, startEmailWorld, type EmailWorld } from './support/email-world';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

interface Answer {
  id: string;
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  failingSince?: string;
  items: Array<{ id: string; status: string; failureReason?: string; attempt: number }>;
}

const DISABLE_AFTER_MS = 1500;

describe('signed webhooks: an endpoint failing for too long', () => {
  let world: EmailWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    world = await startEmailWorld('notif-whd', {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      WEBHOOK_RETRY_SCHEDULE_MS: '400,400,400,400,400,400,400,400',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_DISABLE_AFTER_MS: String(DISABLE_AFTER_MS),
    });
  });

  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  const api = (method: string, path: string, token: string, body?: unknown) =>
    world.api<Answer>(method, path, token, body);

  it('is disabled once every attempt has failed for longer than the limit, and its organisation is emailed once', async () => {
    receiver.answer('/failing', 503);
    const organisation = await world.organisation('failing');
    const token = await world.token(organisation.id);
    const created = await api('POST', '/v1/webhook-endpoints', token, { url: `${receiver.url}/failing` });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await world.publish([world.submitted(randomUUID(), organisation.id)]);

    const disabled = await waitFor(
      async () => {
        const e = await api('GET', `/v1/webhook-endpoints/${id}`, token);
        return e.body.enabled === false ? e.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'the endpoint disabled' },
    );
    expect(disabled.disabledReason).toBe('failing');
    expect(Date.parse(disabled.disabledAt!) - Date.parse(disabled.failingSince!)).toBeGreaterThan(
      DISABLE_AFTER_MS,
    );

    // Disabled before its attempts ran out (nine with this schedule): the message failed with why.
    const [message] = (await api('GET', `/v1/webhook-endpoints/${id}/messages`, token)).body.items;
    expect(message).toMatchObject({
      status: 'failed',
      failureReason: 'endpoint-disabled:failing (http-503)',
    });
    const attempts = (await api('GET', `/v1/webhook-endpoints/${id}/attempts`, token)).body.items;
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.length).toBeLessThan(9);
    expect(receiver.at('/failing')).toHaveLength(attempts.length);

    const subject = `Your webhook endpoint ${id} was disabled`;
    const summary = await waitFor(
      async () => (await mailTo(organisation.email)).find((m) => m.Subject === subject),
      { timeoutMs: 60_000, intervalMs: 250, description: 'the endpoint-disabled email' },
    );
    const mail = await mailMessage(summary.ID);
    expect(mail.Text).toContain(`URL: ${receiver.url}/failing`);
    expect(mail.Text).toContain('Why: failing');
    expect(mail.Text).toContain(`Disabled at: ${disabled.disabledAt}`);

    // Nothing more is attempted; re-enabling starts a new failure run.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.at('/failing')).toHaveLength(attempts.length);
    const enabled = await api('PATCH', `/v1/webhook-endpoints/${id}`, token, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true });
    expect(enabled.body.failingSince).toBeUndefined();
    expect((await mailTo(organisation.email)).filter((m) => m.Subject === subject)).toHaveLength(1);
  });
});
