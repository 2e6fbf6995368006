// Organisation email through GOV.UK Notify (EMAIL_PROVIDER=notify): the notifications service on
// the real Kafka, MongoDB and Redis sends through the official Notify client to the local fake
// Notify of infra/local (which enforces Notify's API: JWT auth, request bodies, templates), and
// the test asserts on what the fake received; Notify's delivery receipt moves the ledger to delivered.
import { randomUUID } from 'node:crypto';
import { waitFor } from '@sp/testing';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { startEmailWorld, type EmailWorld } from './support/email-world';

jest.setTimeout(120_000);

const NOTIFY_URL = `http://127.0.0.1:${process.env['SP_NOTIFY_FAKE_PORT'] ?? '8097'}`;
const ORGANISATION_EMAIL_TEMPLATE = '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f64';
const CALLBACK_TOKEN = 'email-notify-test-callback-token';

interface FakeNotification {
  id: string;
  type: string;
  request: {
    template_id: string;
    email_address: string;
    reference: string;
    personalisation: Record<string, string>;
  };
  content: { subject: string; body: string };
}

describe('organisation email through GOV.UK Notify', () => {
  let world: EmailWorld;

  beforeAll(async () => {
    // As in infra/local/notify-fake/templates.json (a fake started before it had the template
    // learns it here; add-or-replace, so harmless otherwise).
    const template = await fetch(`${NOTIFY_URL}/_fake/templates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: ORGANISATION_EMAIL_TEMPLATE,
        name: 'organisation-email',
        type: 'email',
        version: 1,
        subject: '((subject))',
        body: '((body))',
      }),
    });
    expect(template.status).toBeLessThan(300);
    world = await startEmailWorld('notif-email-notify', {
      EMAIL_PROVIDER: 'notify',
      NOTIFY_BASE_URL: NOTIFY_URL,
      NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN,
    });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('sends the rendered email through Notify with our reference, and records Notify id and delivery', async () => {
    const vcs = await world.organisation('notify-vcs');
    const referralId = randomUUID();
    const submitted = world.submitted(referralId, vcs.id);
    await world.publish([submitted]);
    const noticeId = `${submitted.id}:${vcs.id}`;
    const reference = `email:${noticeId}`;

    const [sent] = await waitFor(
      async () => {
        const response = await fetch(
          `${NOTIFY_URL}/_fake/requests?reference=${encodeURIComponent(reference)}`,
        );
        const found = (await response.json()) as FakeNotification[];
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the email at the fake Notify' },
    );
    expect(sent!.type).toBe('email');
    expect(sent!.request.template_id).toBe(ORGANISATION_EMAIL_TEMPLATE);
    expect(sent!.request.email_address).toBe(vcs.email);
    expect(sent!.content.subject).toBe(`New referral ${referralId}`);
    expect(sent!.content.body).toContain(`/v1/referrals/${referralId}`);
    expect(JSON.stringify(sent!.request)).not.toContain(
      'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    );

    const statuses = world.app.get(NotificationStatusRepository);
    const entry = await waitFor(
      async () => {
        const e = await statuses.findOne(noticeId, 'email', 'contact-email');
        return e?.status === 'sent' ? e : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'sent in the ledger' },
    );
    expect(entry!.providerReference).toBe(sent!.id);

    // Notify's delivery receipt, sent by the fake to this instance's callback endpoint.
    const callback = await fetch(`${NOTIFY_URL}/_fake/notifications/${sent!.id}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 'delivered',
        url: `${world.url}/v1/notify/callbacks`,
        bearerToken: CALLBACK_TOKEN,
      }),
    });
    expect(((await callback.json()) as { status: number }).status).toBe(204);
    expect(await statuses.findOne(noticeId, 'email', 'contact-email')).toMatchObject({ status: 'delivered' });
  });
});
