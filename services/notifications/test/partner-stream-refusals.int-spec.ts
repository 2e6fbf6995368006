// Partner event streams refuse what is not the partner's, on the real Kafka (its SASL_PLAINTEXT
// listener with SCRAM and the StandardAuthorizer, see infra/local/platform.sh) with the
// notifications service booted in-process (support/partner-stream-world.ts): A is refused on B's
// topic and in B's groups; a wrong password is refused; revocation removes the user and its ACLs,
// and credentials issued again are a new user. Streaming and rotation: partner-stream.int-spec.ts.
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type LogEntry,
} from 'kafkajs';
import { testInfra } from '@sp/testing';
import { ScramAdminClient } from '../src/partner-stream/kafka/scram-admin.client';
import { partnerStreamWorld, type Credentials } from './support/partner-stream-world';

jest.setTimeout(180_000);

describe("partner event streams refuse what is not the partner's (SCRAM + ACLs)", () => {
  const world = partnerStreamWorld('notif-psr');
  const { run, orgB, tokens, credentials, topics, consumers, api, partnerKafka } = world;

  beforeAll(async () => {
    await world.start();
    await world.issue('a');
  });
  afterAll(() => world.close());

  it("refuses A on B's topic (TOPIC_AUTHORIZATION_FAILED) and in B's consumer groups (GROUP_AUTHORIZATION_FAILED)", async () => {
    const issued = await api<Credentials>('POST', '/v1/partner-stream/credentials', tokens.b);
    expect(issued.status).toBe(201);
    credentials.b = issued.body;
    topics.push(issued.body.topic);
    const [a, b] = [credentials.a!, credentials.b!];

    const topicRefusal = partnerKafka(a.username, a.password).consumer({
      groupId: `${a.groupPrefix}snoop`,
      retry: { retries: 0 },
    });
    consumers.push(topicRefusal);
    await topicRefusal.connect();
    await expect(topicRefusal.subscribe({ topic: b.topic, fromBeginning: true })).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });

    // A's own topic but B's group: the coordinator lookup is refused and the consumer crashes.
    const logs: LogEntry[] = [];
    const groupRefusal = partnerKafka(a.username, a.password, logs).consumer({
      groupId: `${b.groupPrefix}portal`,
      retry: { retries: 0 },
    });
    consumers.push(groupRefusal);
    const crashed = new Promise<Error>((resolve) =>
      groupRefusal.on(groupRefusal.events.CRASH, (e) => resolve(e.payload.error)),
    );
    await groupRefusal.connect();
    await groupRefusal.subscribe({ topic: a.topic, fromBeginning: true });
    await groupRefusal.run({ eachMessage: async () => undefined });
    await crashed;
    expect(logs.map((l) => String(l.log.error ?? ''))).toContain(
      'Not authorized to access group: Group authorization failed',
    );

    // Nor may A read B's topic by offset without a group (fetch needs READ on the topic).
    const admin = partnerKafka(a.username, a.password).admin();
    await admin.connect();
    await expect(admin.fetchTopicOffsets(b.topic)).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    await admin.disconnect();
  });

  it('refuses a wrong password', async () => {
    const admin = partnerKafka(credentials.a!.username, 'not-the-password').admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });

  it('revocation deletes the user and its ACLs; the stream shows revoked', async () => {
    const b = credentials.b!;
    const revoked = await api('DELETE', '/v1/partner-stream/credentials', tokens.b);
    expect(revoked.status).toBe(204);
    delete credentials.b;

    await expect(partnerKafka(b.username, b.password).admin().connect()).rejects.toThrow(
      /authentication failed/,
    );
    const acls = await world.internalAdmin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: `User:${b.username}`,
      host: '*',
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(acls.resources).toEqual([]);
    const scram = new ScramAdminClient({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });
    expect(await scram.describe([b.username])).toEqual([
      { user: b.username, errorCode: 0, errorMessage: null, credentials: [] },
    ]);
    const shown = await api<{ status: string; revokedAt?: string }>('GET', '/v1/partner-stream', tokens.b);
    expect(shown.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await api('DELETE', '/v1/partner-stream/credentials', tokens.b)).status).toBe(404);

    // Issued again: a new user (the revoked one's sessions stay refused), the same topic.
    const again = await api<Credentials>('POST', '/v1/partner-stream/credentials', tokens.b);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'active', username: `partner-${orgB}-2`, topic: b.topic });
    credentials.b = again.body;
  });
});
