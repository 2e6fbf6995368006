/**
 * The closed loop on the real stack: the four compiled services as separate processes on the real
 * Kafka, SecantusDB and Redis, the local platform's Mailpit and fake GOV.UK Notify, and a partner
 * system's webhook receiver on loopback.
 *
 * The run registers its own practice and link-worker organisation (each with a run-unique contact
 * email in the directory) through the management API, and the notifications service's own
 * platform client through the demo seed (as scripts/start.sh does, with a run-unique id and
 * secret). The link workers register a webhook endpoint; the practice refers a patient with a
 * mobile number. Then: the link workers' email carries ids only; the patient's text message went
 * through the real referrals internal API, which audited the read with its purpose; the webhook
 * delivery verifies with standardwebhooks; after the link workers accept, the practice's status
 * list shows what it was told and what its patient was sent.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Topics } from '@sp/contracts';
import { localOidcIssuersEnv, startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import {
  clientToken,
  newRunNetwork,
  provisionApiClient,
  referWhenDirectoryReady,
  registerRunNetwork,
} from './support/case-management';
import {
  localPlatform,
  mailBetween,
  notifyMessages,
  removeRunQueues,
  startPartnerReceiver,
  type PartnerReceiver,
} from './support/closed-loop';
import { call } from './support/scale-out';
import { freePort, runToCompletion, startService, type RunningService } from './support/service-process';

const run = uniqueName('loop').replace(/-/g, '_');
const mongoFor = (service: string): string => testInfra.mongoUrlFor(`test_${run}_${service}`);

const PATIENT = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};
const MOBILE = '07700900123';
/** The run's notifications service sends from this address: its mail, not other instances'. */
const SENDER = `notifications.${run}@sp.example.org`;

interface StatusItem {
  noticeId: string;
  organisationId: string;
  referralId?: string;
  kind: string;
  channel: string;
  target: string;
  status: string;
  reason?: string;
}
interface AuditItem {
  actor: { clientId: string; role: string };
  action: string;
  outcome: string;
  purpose?: string;
}

describe('the closed loop across the platform: organisation email, patient SMS, signed webhook, status', () => {
  const services: RunningService[] = [];
  const network = newRunNetwork(randomUUID);
  network.practice.email = `practice.${run}@closed-loop.example.org`;
  network.linkWorkers.email = `link-workers.${run}@closed-loop.example.org`;
  const notificationsClient = { id: `${run}-notifications`, secret: randomBytes(32).toString('base64url') };
  let receiver: PartnerReceiver;
  let organisationsUrl = '';
  let ops = '';
  let practice = '';
  let linkWorkers = '';
  let webhookSecret = '';
  let referralId = '';

  const url = (name: RunningService['name']): string => {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`${name} not started`);
    return found.url;
  };
  const statusList = async (token: string): Promise<StatusItem[]> => {
    const answer = await call<{ items: StatusItem[] }>(
      `${url('notifications')}/v1/notifications?referralId=${referralId}&limit=100`,
      token,
    );
    expect(answer.status).toBe(200);
    return answer.body.items;
  };

  beforeAll(async () => {
    receiver = await startPartnerReceiver();
    const organisationsPort = await freePort();
    const referralsPort = await freePort();
    organisationsUrl = `http://127.0.0.1:${organisationsPort}`;
    const referralsUrl = `http://127.0.0.1:${referralsPort}`;
    const common = {
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `${organisationsUrl}/.well-known/jwks.json`,
      TOKEN_ISSUER: organisationsUrl,
      OIDC_ISSUERS: localOidcIssuersEnv(),
      LOG_LEVEL: 'warn',
    };
    // Notifications and analytics read only what this run produces; the organisations and
    // referrals groups read the shared topics from the beginning.
    await startGroupsAtTopicsEnd(
      [`analytics-${run}`, `notifications-${run}`],
      [Topics.referralLifecycle, Topics.directory],
    );
    const start = async (name: RunningService['name'], env: NodeJS.ProcessEnv): Promise<void> => {
      services.push(await startService(name, { ...common, ...env }));
    };
    await start('organisations', {
      PORT: String(organisationsPort),
      MONGO_URL: mongoFor('organisations'),
      KAFKA_GROUP_ID: `organisations-${run}`,
    });
    // The demo seed registers the notifications service's platform client with the run's secret
    // (scripts/start.sh does the same) and gives the operator's client (platform-ops).
    const clientsFile = join(tmpdir(), `${run}-demo-clients.json`);
    const seed = await runToCompletion('dist/services/organisations/src/demo/seed-demo.js', {
      ...common,
      MONGO_URL: mongoFor('organisations'),
      DEMO_CLIENTS_FILE: clientsFile,
      DEMO_NOTIFICATIONS_CLIENT_ID: notificationsClient.id,
      DEMO_NOTIFICATIONS_CLIENT_SECRET: notificationsClient.secret,
    });
    expect({ code: seed.code, output: seed.code === 0 ? '' : seed.output }).toEqual({ code: 0, output: '' });
    expect(seed.output).not.toContain(notificationsClient.secret);
    const demo = await readFile(clientsFile, 'utf8');
    expect(demo).not.toContain(notificationsClient.secret);
    const opsClient = (
      JSON.parse(demo) as { clients: Array<{ clientId: string; clientSecret: string }> }
    ).clients.find((c) => c.clientId === 'platform-ops')!;

    await Promise.all([
      start('referrals', {
        PORT: String(referralsPort),
        MONGO_URL: mongoFor('referrals'),
        KAFKA_GROUP_ID: `referrals-${run}`,
        QUEUE_PREFIX: `${run}_referrals`,
        PATIENT_CONTACT_READERS: notificationsClient.id,
      }),
      start('analytics', { MONGO_URL: mongoFor('analytics'), KAFKA_GROUP_ID: `analytics-${run}` }),
      start('notifications', {
        MONGO_URL: mongoFor('notifications'),
        KAFKA_GROUP_ID: `notifications-${run}`,
        QUEUE_PREFIX: `${run}_notifications`,
        DELIVERY_BACKOFF_MS: '200',
        SMTP_URL: localPlatform.smtpUrl,
        SMTP_FROM: `Closed loop e2e <${SENDER}>`,
        EMAIL_BACKOFF_MS: '200',
        NOTIFY_BASE_URL: localPlatform.notifyUrl,
        REFERRALS_URL: referralsUrl,
        DIRECTORY_URL: organisationsUrl,
        PLATFORM_TOKEN_URL: `${organisationsUrl}/oauth/token`,
        PATIENT_NOTICES_CLIENT_ID: notificationsClient.id,
        PATIENT_NOTICES_CLIENT_SECRET: notificationsClient.secret,
        PATIENT_NOTICES_BACKOFF_MS: '200',
        // The partner receiver is this test on loopback over plain http.
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
        WEBHOOK_ALLOW_HTTP: 'true',
      }),
    ]);
    ops = await clientToken(organisationsUrl, opsClient.clientId, opsClient.clientSecret);

    expect(await registerRunNetwork(organisationsUrl, ops, network)).toEqual([]);
    const provision = async (clientId: string, organisationId: string, role: 'referrer' | 'link-worker') =>
      clientToken(
        organisationsUrl,
        clientId,
        await provisionApiClient(mongoFor('organisations'), { clientId, organisationId, role }),
      );
    practice = await provision(`${run}-practice-system`, network.practice.id, 'referrer');
    linkWorkers = await provision(`${run}-link-worker-portal`, network.linkWorkers.id, 'link-worker');
  }, 240_000);

  afterAll(async () => {
    await receiver?.close();
    const codes = await Promise.all(
      services.map(async (s) => {
        const code = await s.stop('SIGTERM');
        return code === 0 ? `${s.name}:0` : `${s.name}:${code}\n${s.output().slice(-3000)}`;
      }),
    );
    expect(codes).toEqual(services.map((s) => `${s.name}:0`));
    await removeRunQueues(testInfra.redisUrl, `${run}_`);
    // Nothing the services logged carries the platform client's secret.
    for (const s of services) expect(s.output()).not.toContain(notificationsClient.secret);
  }, 60_000);

  it('the link workers register a webhook endpoint; the practice lifts its quiet hours; the GP refers with a patient mobile', async () => {
    const endpoint = await call<{ id: string; secret: string }>(
      `${url('notifications')}/v1/webhook-endpoints`,
      linkWorkers,
      'POST',
      { url: `${receiver.url}/hooks`, eventTypes: ['referral.submitted'] },
    );
    expect({ status: endpoint.status, secret: endpoint.body.secret?.startsWith('whsec_') }).toEqual({
      status: 201,
      secret: true,
    });
    webhookSecret = endpoint.body.secret;
    // Patient text messages wait for the end of the referrer's quiet hours (default 21:00-08:00
    // London time): none for this run, so it passes at any hour.
    const preferences = await call(`${url('notifications')}/v1/notification-preferences`, practice, 'PUT', {
      patientSms: { quietHours: null },
    });
    expect(preferences.status).toBe(200);

    const posted = await referWhenDirectoryReady(url('referrals'), practice, `${run}-referral`, {
      patient: { ...PATIENT, telecom: { mobile: MOBILE } },
      requesterOdsCode: network.practice.odsCode,
      targetServiceId: network.service,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(posted.status).toBe(201);
    referralId = posted.body.id;
  });

  it("the link workers' contact address gets the new-referral email, with ids and no patient data", async () => {
    const mail = await waitFor(
      async () => {
        const messages = await mailBetween(SENDER, network.linkWorkers.email!);
        return messages.some((m) => m.Subject.includes(referralId)) ? messages : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: "the link workers' new-referral email in Mailpit" },
    );
    const message = mail.find((m) => m.Subject.includes(referralId))!;
    expect(message.Text).toContain(referralId);
    for (const m of mail) {
      const whole = `${m.Subject}\n${m.Text}\n${m.HTML}`;
      for (const identifier of [...Object.values(PATIENT), MOBILE, '7700 900123', '447700900123'])
        expect(whole).not.toContain(identifier);
    }
  });

  it('the patient gets a text message: the number read through the referrals internal API, the read audited with its purpose', async () => {
    const sms = await waitFor(
      async () => {
        const items = await statusList(practice);
        return items.find(
          (i) => i.channel === 'sms' && i.kind === 'referral.submitted' && i.status !== 'queued',
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, description: "the patient SMS in the practice's status list" },
    );
    expect(sms).toMatchObject({ target: 'patient', status: 'sent', organisationId: network.practice.id });
    const sent = await notifyMessages(sms.noticeId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'sms', recipient: '+447700900123' });
    expect(sent[0]!.content.body).toContain('has referred you to');
    for (const identifier of Object.values(PATIENT)) expect(sent[0]!.content.body).not.toContain(identifier);

    const audit = await call<{ items: AuditItem[] }>(
      `${url('referrals')}/v1/audit?referralId=${referralId}`,
      ops,
    );
    expect(audit.status).toBe(200);
    const reads = audit.body.items.filter((i) => i.action === 'referral.patient-contact.read');
    expect(reads.map((r) => [r.actor.clientId, r.actor.role, r.outcome, r.purpose])).toContainEqual([
      notificationsClient.id,
      'ops',
      'allowed',
      'patient-notification',
    ]);
    // Everyone else is refused the internal API, and the refusal is audited too.
    const refused = await call(
      `${url('referrals')}/internal/v1/referrals/${referralId}/patient-contact?purpose=patient-notification`,
      ops,
    );
    expect(refused.status).toBe(403);
    const after = await call<{ items: AuditItem[] }>(
      `${url('referrals')}/v1/audit?referralId=${referralId}`,
      ops,
    );
    expect(
      after.body.items
        .filter((i) => i.action === 'referral.patient-contact.read' && i.actor.clientId === 'platform-ops')
        .map((r) => [r.outcome, r.purpose]),
    ).toEqual([['refused', 'patient-notification']]);
  });

  it("the link workers' webhook endpoint gets a signed delivery that verifies with standardwebhooks", async () => {
    const delivery = await waitFor(
      async () => receiver.received.find((r) => r.path === '/hooks' && r.body.includes(referralId)),
      { timeoutMs: 90_000, intervalMs: 250, description: 'the webhook delivery for the referral' },
    );
    const headers = {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    };
    const payload = new Webhook(webhookSecret).verify(delivery.body, headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload).toMatchObject({ type: 'referral.submitted', data: { referralId, status: 'requested' } });
    // A signature made with another secret does not verify.
    expect(() =>
      new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(delivery.body, headers),
    ).toThrow();
    for (const identifier of [...Object.values(PATIENT), MOBILE])
      expect(delivery.body).not.toContain(identifier);
  });

  it("after the link workers accept, the practice's status list shows what it was told and what its patient was sent", async () => {
    const accepted = await call<{ status: string }>(
      `${url('referrals')}/v1/referrals/${referralId}/accept`,
      linkWorkers,
      'POST',
      {},
    );
    expect([accepted.status, accepted.body.status]).toEqual([200, 'accepted']);

    const settled = (i: StatusItem) => i.status !== 'queued';
    const items = await waitFor(
      async () => {
        const list = await statusList(practice);
        const has = (kind: string, channel: string) =>
          list.some((i) => i.kind === kind && i.channel === channel && settled(i));
        return has('referral.accepted', 'inbox') &&
          has('referral.accepted', 'email') &&
          has('referral.accepted', 'sms') &&
          has('referral.submitted', 'sms')
          ? list
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: "the practice's notices after the acceptance" },
    );
    const view = items
      .map((i) => [i.kind, i.channel, i.target, i.status])
      .sort((a, b) => a.join().localeCompare(b.join()));
    expect(view).toEqual([
      ['referral.accepted', 'email', 'contact-email', 'sent'],
      ['referral.accepted', 'inbox', 'inbox', 'delivered'],
      ['referral.accepted', 'sms', 'patient', 'sent'],
      ['referral.submitted', 'sms', 'patient', 'sent'],
    ]);
    expect(items.every((i) => i.organisationId === network.practice.id && i.referralId === referralId)).toBe(
      true,
    );
    // Targets name channels, never an address or a number.
    expect(JSON.stringify(items)).not.toContain(network.practice.email);
    expect(JSON.stringify(items)).not.toContain('7700900123');

    // The link workers see their own notices, not the practice's.
    const theirs = await statusList(linkWorkers);
    expect(theirs.every((i) => i.organisationId === network.linkWorkers.id)).toBe(true);
    expect(theirs.map((i) => [i.kind, i.channel]).sort()).toEqual(
      expect.arrayContaining([
        ['referral.submitted', 'email'],
        ['referral.submitted', 'inbox'],
        ['referral.submitted', 'webhook'],
      ]),
    );
  });
});
