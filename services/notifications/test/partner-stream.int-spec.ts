// Partner event streams, end to end on the real stack (support/partner-stream-world.ts): the
// notifications service booted in-process on the real Kafka (its SASL_PLAINTEXT listener with SCRAM
// and the StandardAuthorizer, see infra/local/platform.sh), MongoDB and Redis. Organisation A gets
// SCRAM credentials through the API (user, topic, exactly its ACLs), a referral event for A reaches a
// kafkajs consumer that connects with A's credentials on the partner listener as a thin CloudEvent,
// once; rotation stops the old password, even for a session already open; an organisation without
// a stream gets 404 and no token 401. Refusals and revocation: partner-stream-refusals.int-spec.ts.
import { randomUUID } from 'node:crypto';
import { Kafka as CloudEventsKafka } from 'cloudevents';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type KafkaMessage,
} from 'kafkajs';
import { partnerReferralEventProblems, ReferralRejectedV1, Topics } from '@sp/contracts';
import { groupCaughtUp, testInfra, waitFor } from '@sp/testing';
import { ScramAdminClient } from '../src/partner-stream/kafka/scram-admin.client';
import { PARTNER_BOOTSTRAP, partnerStreamWorld, type Credentials } from './support/partner-stream-world';

jest.setTimeout(180_000);

describe('partner event streams on Kafka (SCRAM + ACLs)', () => {
  const world = partnerStreamWorld('notif-ps');
  const { run, orgA, orgC, tokens, credentials, topics, consumers, api, partnerKafka, consume, rejected } =
    world;

  beforeAll(() => world.start());
  afterAll(() => world.close());

  it('issues A its credentials once (topic, user, ACLs), shows the stream without the password, and refuses a second issue', async () => {
    const created = await api<Credentials>('POST', '/v1/partner-stream/credentials', tokens.a);
    expect(created.status).toBe(201);
    credentials.a = created.body;
    topics.push(created.body.topic);
    expect(created.body).toMatchObject({
      status: 'active',
      bootstrapServers: [PARTNER_BOOTSTRAP],
      mechanism: 'scram-sha-512',
      username: `partner-${orgA}-1`,
      topic: `sp.partner.${orgA}.referrals.v1`,
      groupPrefix: `sp.partner.${orgA}.`,
    });
    expect(created.body.password).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = await api<{ code: string }>('POST', '/v1/partner-stream/credentials', tokens.a);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PARTNER_STREAM.CONFLICT');

    const shown = await api<Record<string, unknown>>('GET', '/v1/partner-stream', tokens.a);
    expect(shown.status).toBe(200);
    expect(shown.body).not.toHaveProperty('password');
    expect(JSON.stringify(shown.body)).not.toContain(created.body.password);
    expect(shown.body).toMatchObject({
      status: 'active',
      topic: created.body.topic,
      username: created.body.username,
    });

    // On the broker: A's SCRAM credentials (our DescribeUserScramCredentials client: mechanisms and
    // iterations only), the topic, and exactly the three prefixed ALLOW bindings of A's principal.
    const scram = new ScramAdminClient({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });
    const [described] = await scram.describe([`partner-${orgA}-1`]);
    expect(described?.credentials.map((c) => c.mechanism).sort()).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(described?.credentials.every((c) => c.iterations >= 4096)).toBe(true);
    expect(await world.internalAdmin.listTopics()).toContain(created.body.topic);
    const acls = await world.internalAdmin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: `User:partner-${orgA}-1`,
      host: '*',
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const bindings = acls.resources
      .flatMap((r) =>
        r.acls.map((a) => [
          r.resourceType,
          r.resourceName,
          r.resourcePatternType,
          a.operation,
          a.permissionType,
        ]),
      )
      .sort();
    expect(bindings).toEqual(
      [
        [
          AclResourceTypes.GROUP,
          `sp.partner.${orgA}.`,
          ResourcePatternTypes.PREFIXED,
          AclOperationTypes.READ,
          AclPermissionTypes.ALLOW,
        ],
        [
          AclResourceTypes.TOPIC,
          `sp.partner.${orgA}.`,
          ResourcePatternTypes.PREFIXED,
          AclOperationTypes.DESCRIBE,
          AclPermissionTypes.ALLOW,
        ],
        [
          AclResourceTypes.TOPIC,
          `sp.partner.${orgA}.`,
          ResourcePatternTypes.PREFIXED,
          AclOperationTypes.READ,
          AclPermissionTypes.ALLOW,
        ],
      ].sort(),
    );
  });

  it("delivers A's referral event to A's SCRAM consumer (group sp.partner.<A>.portal) as a thin CloudEvent, once", async () => {
    const a = credentials.a!;
    const referralId = randomUUID();
    const event = rejected(referralId, orgA);
    await world.notifications.publish([event]);
    await world.notifications.publish([event]); // redelivered upstream

    const received = await consume(partnerKafka(a.username, a.password), `${a.groupPrefix}portal`, a.topic);
    const mine = await waitFor(
      async () => {
        const found = received.filter((m) => m.key?.toString() === referralId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: "A's CloudEvent on its partner topic" },
    );
    const message = mine[0]!;
    expect(message.headers?.['content-type']?.toString()).toBe('application/cloudevents+json; charset=utf-8');
    // The CloudEvents SDK's own Kafka binding reads it back (as a portal would).
    const asKafkaMessage = {
      key: message.key!.toString(),
      value: message.value!.toString(),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body: message.value!.toString(),
    };
    const ce = CloudEventsKafka.toEvent(asKafkaMessage);
    const cloudEvent = Array.isArray(ce) ? ce[0]! : ce;
    expect(cloudEvent).toMatchObject({
      specversion: '1.0',
      id: `${event.id}:${orgA}`,
      type: ReferralRejectedV1.type,
      source: '/social-prescribing/notifications',
      subject: `referrals/${referralId}`,
      time: expect.any(String),
      causationid: event.id,
    });
    // Thin: ids and codes only; nothing of the patient (not even the pseudonymous key).
    expect(cloudEvent.data).toEqual({
      referralId,
      kind: 'referral.rejected',
      status: 'rejected',
      reasonCode: 'no-capacity',
    });
    expect(message.value!.toString()).not.toContain('patientKey');
    expect(partnerReferralEventProblems(JSON.parse(message.value!.toString()))).toEqual([]);

    // The status ledger: delivered (the broker acknowledged it) on the partner-stream channel, its target the topic.
    const ledger = await waitFor(
      async () => {
        const list = await api<{
          items: Array<{ channel: string; target: string; status: string; referralId?: string }>;
        }>('GET', `/v1/notifications?channel=partner-stream&referralId=${referralId}`, tokens.a);
        return list.body.items?.find((i) => i.status === 'delivered');
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the partner-stream ledger entry' },
    );
    expect(ledger).toMatchObject({ channel: 'partner-stream', target: a.topic, status: 'delivered' });
    // The same notice is produced once, whatever the redelivery: once the service has consumed
    // both copies, the second found the first's jobs (ids from the notice id) and added nothing.
    await waitFor(() => groupCaughtUp(`notifications-${run}`, Topics.referralLifecycle), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the service consumed the redelivered event',
    });
    expect(received.filter((m) => m.key?.toString() === referralId)).toHaveLength(1);
  });

  it('rotation: a new user and password; the old password is refused, even on a session already open', async () => {
    const a = credentials.a!;
    // A session opened with the old password, reading (it gets the earlier event).
    const oldSession = partnerKafka(a.username, a.password).consumer({
      groupId: `${a.groupPrefix}old-session`,
      retry: { retries: 0 },
    });
    consumers.push(oldSession);
    const oldReceived: KafkaMessage[] = [];
    const oldCrash = new Promise<Error>((resolve) =>
      oldSession.on(oldSession.events.CRASH, (e) => resolve(e.payload.error)),
    );
    await oldSession.connect();
    await oldSession.subscribe({ topic: a.topic, fromBeginning: true });
    await oldSession.run({ eachMessage: async ({ message }) => void oldReceived.push(message) });
    await waitFor(async () => (oldReceived.length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the old session reading',
    });

    const rotated = await api<Credentials>('POST', '/v1/partner-stream/credentials/rotate', tokens.a);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      username: `partner-${orgA}-2`,
      topic: a.topic,
      groupPrefix: a.groupPrefix,
    });
    expect(rotated.body.password).not.toBe(a.password);
    credentials.a = rotated.body;

    await expect(partnerKafka(a.username, a.password).admin().connect()).rejects.toThrow(
      /authentication failed/,
    );
    // The open session has no ACLs any more: its next fetch is refused and the consumer stops.
    const crash = await oldCrash;
    expect(crash.message).toMatch(/Not authorized to access (group|topics)/);

    const referralId = randomUUID();
    await world.notifications.publish([rejected(referralId, orgA)]);
    const received = await consume(
      partnerKafka(rotated.body.username, rotated.body.password),
      `${a.groupPrefix}portal-2`,
      a.topic,
    );
    await waitFor(async () => received.find((m) => m.key?.toString() === referralId), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the event after rotation, read with the new credentials',
    });
    expect(oldReceived.find((m) => m.key?.toString() === referralId)).toBeUndefined();
  });

  it('answers 404 to an organisation without a stream and 401 without a token, and creates nothing', async () => {
    expect((await api('GET', '/v1/partner-stream', tokens.c)).status).toBe(404);
    expect((await api('POST', '/v1/partner-stream/credentials/rotate', tokens.c)).status).toBe(404);
    expect((await api('DELETE', '/v1/partner-stream/credentials', tokens.c)).status).toBe(404);
    expect((await api('POST', '/v1/partner-stream/credentials')).status).toBe(401);
    expect(await world.internalAdmin.listTopics()).not.toContain(`sp.partner.${orgC}.referrals.v1`);
  });
});
