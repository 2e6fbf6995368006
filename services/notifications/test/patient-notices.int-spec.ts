// Patient notifications end to end on the real stack: referral events on the real Kafka, the
// notifications service booted in-process (real Redis queues, real SecantusDB ledger), GOV.UK
// Notify played by the local fake Notify (its own process, Notify's documented API, read through
// its inspection API), the patient's contact details read at send time over HTTP with a
// client-credentials token (support/referrals-contact-stub.ts plays the referrals and
// organisations services). Asserts what the patient receives (one text message, to the right
// number, names of the service and practice and nothing about them), what is suppressed and why,
// quiet hours, and delivery receipts moving the ledger.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { createEnvelope, ReferralAcceptedV1, ReferralSubmittedV1, type EventEnvelope } from '@sp/contracts';
import { testInfra, waitFor } from '@sp/testing';
import { QueueNames } from '../src/queues/queue-names';
import {
  runName,
  startNotificationsInstance,
  type NotificationsInstance,
} from './support/notifications-instance';
import { startNotifyFake, type NotifyFake } from './support/notify-fake-process';
import { startPlatformStub, type PlatformStub } from './support/referrals-contact-stub';

jest.setTimeout(120_000);

interface StatusItem {
  noticeId: string;
  referralId?: string;
  kind: string;
  channel: string;
  target: string;
  status: string;
  reason?: string;
}

const CALLBACK_TOKEN = `callback-${randomUUID()}`;
const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('patient notifications through GOV.UK Notify, end to end', () => {
  const run = runName('notif-pt');
  const gp = `org-gp-${run}`;
  const vcs = `org-vcs-${run}`;
  const service = `svc-${run}`;
  let notifications: NotificationsInstance;
  let url = '';
  let fake: NotifyFake;
  let platform: PlatformStub;
  let gpToken = '';
  let queue: Queue;

  beforeAll(async () => {
    fake = await startNotifyFake();
    platform = await startPlatformStub(run);
    platform.names.set(gp, 'Riverside Surgery');
    platform.names.set(vcs, 'Tees Befrienders');
    platform.names.set(service, 'Befriending Tees');
    notifications = await startNotificationsInstance(run, {
      trust: platform,
      env: {
        NOTIFY_BASE_URL: fake.baseUrl,
        NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN,
        REFERRALS_URL: platform.url,
        DIRECTORY_URL: platform.url,
        PLATFORM_TOKEN_URL: `${platform.url}/oauth/token`,
        PATIENT_NOTICES_CLIENT_ID: platform.clientId,
        PATIENT_NOTICES_CLIENT_SECRET: platform.clientSecret,
        PATIENT_NOTICES_BACKOFF_MS: '200',
      },
    });
    ({ url } = notifications);
    gpToken = await notifications.token({ clientId: `gp-${run}`, organisationId: gp, role: 'referrer' });
    queue = new Queue(QueueNames.patientNotices, { connection: { url: testInfra.redisUrl }, prefix: run });
    // No quiet hours for the practice unless a test sets them (the default 21:00-08:00 would hold
    // messages when the suite runs in the evening).
    await setQuietHours(null);
  });

  afterAll(async () => {
    await queue?.close();
    await notifications?.close();
    await fake?.stop();
    await platform?.close();
  });

  async function setQuietHours(quietHours: { start: string; end: string } | null): Promise<void> {
    const current = await fetch(`${url}/v1/notification-preferences`, {
      headers: { authorization: `Bearer ${gpToken}` },
    });
    expect(current.status).toBe(200);
    const prefs = (await current.json()) as { email: { kinds: Record<string, boolean>; digest: string } };
    const put = await fetch(`${url}/v1/notification-preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: { kinds: prefs.email.kinds, digest: prefs.email.digest },
        patientSms: { quietHours },
      }),
    });
    expect(put.status).toBe(200);
  }

  const submitted = (referralId: string): EventEnvelope =>
    createEnvelope(
      ReferralSubmittedV1,
      {
        referralId,
        requesterOrganisationId: gp,
        requesterOdsCode: 'A81001',
        targetServiceId: service,
        ownerOrganisationId: vcs,
        needs: ['sp-need-loneliness'],
        priority: 'routine',
        status: 'requested',
        patientKey: PATIENT_KEY,
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/referrals', correlationId: run },
    );

  const statuses = async (referralId: string): Promise<StatusItem[]> => {
    const res = await fetch(`${url}/v1/notifications?referralId=${referralId}`, {
      headers: { authorization: `Bearer ${gpToken}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: StatusItem[] }).items.filter((i) => i.target === 'patient');
  };
  const statusOf = (referralId: string, status: string) =>
    waitFor(async () => (await statuses(referralId)).find((s) => s.status === status), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: `patient notification ${status} for ${referralId}`,
    });

  it('texts the patient once, at the number the referrals service gives, naming the service and practice only', async () => {
    const referralId = randomUUID();
    platform.contacts.set(referralId, { phone: '+447700900321', doNotContact: false, consent: 'given' });
    const event = submitted(referralId);
    await notifications.publish([event]);
    await notifications.publish([event]); // redelivered

    const sent = await statusOf(referralId, 'sent');
    expect(sent).toMatchObject({
      channel: 'sms',
      target: 'patient',
      kind: 'referral.submitted',
      noticeId: `${event.id}:patient`,
    });
    const messages = await fake.messages({ reference: `${event.id}:patient` });
    expect(messages).toHaveLength(1);
    const [sms] = messages;
    expect(sms).toMatchObject({
      type: 'sms',
      recipient: '+447700900321',
      request: { phone_number: '+447700900321' },
    });
    expect(sms!.request.personalisation).toEqual({
      organisation_name: 'Riverside Surgery',
      service_name: 'Befriending Tees',
    });
    expect(sms!.content.body).toContain('Riverside Surgery has referred you to Befriending Tees');
    // Nothing about the patient beyond what the template says: no NHS number, name or referral id.
    for (const secret of ['9434765919', 'Ada', 'Lovelace', referralId, PATIENT_KEY]) {
      expect(JSON.stringify(sms)).not.toContain(secret);
    }
    // The number stays out of the ledger; the contact details were read once, by this service, for this purpose.
    expect(JSON.stringify(await statuses(referralId))).not.toContain('900321');
    expect(platform.reads.filter((r) => r.referralId === referralId)).toEqual([
      { referralId, clientId: 'notifications', purpose: 'patient-notification' },
    ]);

    // Who will contact them: on acceptance, the service and the organisation that accepted.
    const accepted = createEnvelope(
      ReferralAcceptedV1,
      {
        referralId,
        version: 2,
        requesterOrganisationId: gp,
        targetServiceId: service,
        ownerOrganisationId: vcs,
        patientKey: PATIENT_KEY,
        submittedAt: new Date().toISOString(),
        occurredAt: new Date().toISOString(),
        fromStatus: 'requested',
        toStatus: 'accepted',
        actor: { organisationId: vcs, role: 'provider' },
        claimed: false,
      },
      { source: '/services/referrals', correlationId: run },
    );
    await notifications.publish([accepted]);
    const second = await waitFor(
      async () => (await fake.messages({ reference: `${accepted.id}:patient` }))[0],
      {
        timeoutMs: 60_000,
        description: 'the acceptance text',
      },
    );
    expect(second.content.body).toBe(
      'Befriending Tees (Tees Befrienders) has accepted your referral and will contact you soon.',
    );
  });

  it('sends nothing when "do not contact" is set, consent is withdrawn or there are no details, and says why', async () => {
    const cases = [
      [{ phone: '+447700900322', doNotContact: true, consent: 'given' }, 'do-not-contact'],
      [{ phone: '+447700900323', doNotContact: false, consent: 'withdrawn' }, 'consent-withdrawn'],
      [{ doNotContact: false, consent: 'given' }, 'no-contact-details'],
    ] as const;
    const events = cases.map(([contact]) => {
      const referralId = randomUUID();
      platform.contacts.set(referralId, contact);
      return { referralId, event: submitted(referralId) };
    });
    await notifications.publish(events.map((e) => e.event));
    for (const [i, { referralId, event }] of events.entries()) {
      const suppressed = await statusOf(referralId, 'suppressed');
      expect(suppressed).toMatchObject({ target: 'patient', reason: cases[i]![1] });
      expect(await fake.messages({ reference: `${event.id}:patient` })).toEqual([]);
    }
  });

  it('emails when only an email address is given', async () => {
    const referralId = randomUUID();
    platform.contacts.set(referralId, {
      email: `patient-${run}@example.org`,
      doNotContact: false,
      consent: 'given',
    });
    const event = submitted(referralId);
    await notifications.publish([event]);
    expect(await statusOf(referralId, 'sent')).toMatchObject({ channel: 'email' });
    const [email] = await fake.messages({ reference: `${event.id}:patient` });
    expect(email).toMatchObject({ type: 'email', recipient: `patient-${run}@example.org` });
  });

  it("moves the ledger on Notify's delivery receipts (bearer token checked)", async () => {
    const ids = [randomUUID(), randomUUID()];
    ids.forEach((id, i) =>
      platform.contacts.set(id, { phone: `+44770090033${i}`, doNotContact: false, consent: 'given' }),
    );
    const events = ids.map(submitted);
    await notifications.publish(events);
    await Promise.all(ids.map((id) => statusOf(id, 'sent')));
    const [delivered, bounced] = await Promise.all(
      events.map(async (e) => (await fake.messages({ reference: `${e.id}:patient` }))[0]!),
    );

    const callbacks = `${url}/v1/notify/callbacks`;
    expect(
      await fake.receipt(delivered!.id, {
        status: 'delivered',
        url: callbacks,
        bearerToken: 'not-the-token',
      }),
    ).toBe(401);
    expect((await statuses(ids[0]!))[0]?.status).toBe('sent');
    expect(
      await fake.receipt(delivered!.id, { status: 'delivered', url: callbacks, bearerToken: CALLBACK_TOKEN }),
    ).toBe(204);
    expect(
      await fake.receipt(bounced!.id, {
        status: 'permanent-failure',
        url: callbacks,
        bearerToken: CALLBACK_TOKEN,
      }),
    ).toBe(204);
    expect((await statuses(ids[0]!))[0]).toMatchObject({ status: 'delivered', channel: 'sms' });
    expect((await statuses(ids[1]!))[0]).toMatchObject({
      status: 'failed',
      reason: 'notify:permanent-failure',
    });

    // A receipt for a message this service never sent: 404 (Notify retries it later).
    const unknown = await fetch(callbacks, {
      method: 'POST',
      headers: { authorization: `Bearer ${CALLBACK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        reference: null,
        status: 'delivered',
        notification_type: 'sms',
      }),
    });
    expect(unknown.status).toBe(404);
    const malformed = await fetch(callbacks, {
      method: 'POST',
      headers: { authorization: `Bearer ${CALLBACK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', status: 'lost', notification_type: 'pigeon' }),
    });
    expect(malformed.status).toBe(400);
  });

  it("holds a text message during the practice's quiet hours (Europe/London) instead of sending it", async () => {
    const london = (ms: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(Date.now() + ms));
    await setQuietHours({ start: london(-3_600_000), end: london(3_600_000) });
    try {
      const referralId = randomUUID();
      platform.contacts.set(referralId, { phone: '+447700900340', doNotContact: false, consent: 'given' });
      const event = submitted(referralId);
      await notifications.publish([event]);
      const held = await statusOf(referralId, 'queued');
      expect(held.reason).toMatch(/^quiet-hours until \d{4}-\d\d-\d\dT/);
      const until = new Date(held.reason!.slice('quiet-hours until '.length)).getTime();
      expect(until).toBeGreaterThan(Date.now() + 50 * 60_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 61 * 60_000);
      const job = await queue.getJob(`patient-${event.id}`.replace(/:/g, '_'));
      expect(await job?.getState()).toBe('delayed');
      expect(await fake.messages({ reference: `${event.id}:patient` })).toEqual([]);
    } finally {
      await setQuietHours(null);
    }
  });
});
