// Shared set-up of the partner-stream specs: a notifications instance (support/notifications-instance.ts)
// told the partner bootstrap address, three run-unique organisations with portal tokens (A referrer,
// B provider, C link worker), an admin client on the internal listener, and kafkajs clients of the
// partners on the SASL_PLAINTEXT listener (SCRAM, StandardAuthorizer: see infra/local/platform.sh).
// Everything a run makes on the shared broker (users, ACLs, partner topics) is removed on close.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type LogEntry } from 'kafkajs';
import { createEnvelope, ReferralRejectedV1, type EventEnvelope } from '@sp/contracts';
import { testInfra } from '@sp/testing';
import { runName, startNotificationsInstance, type NotificationsInstance } from './notifications-instance';

export const PARTNER_BOOTSTRAP = process.env.TEST_PARTNER_KAFKA_BOOTSTRAP ?? '127.0.0.1:9094';

export interface Credentials {
  status: string;
  bootstrapServers: string[];
  mechanism: string;
  username: string;
  password: string;
  topic: string;
  groupPrefix: string;
}

export interface Answer<T> {
  status: number;
  body: T;
}

type Portal = 'a' | 'b' | 'c';

export interface PartnerStreamWorld {
  run: string;
  orgA: string;
  orgB: string;
  orgC: string;
  provider: string;
  /** Portal tokens of A, B and C (filled by start). */
  tokens: Record<string, string>;
  /** Credentials currently issued, by portal (revoked at close). */
  credentials: Record<string, Credentials>;
  /** Partner consumers, disconnected at close. */
  consumers: Consumer[];
  /** Partner topics made by this run, deleted at close (the shared broker keeps nothing). */
  topics: string[];
  /** Set by start. */
  notifications: NotificationsInstance;
  internalAdmin: ReturnType<Kafka['admin']>;
  start(): Promise<void>;
  close(): Promise<void>;
  api<T = Record<string, unknown>>(method: string, path: string, token?: string): Promise<Answer<T>>;
  /** Issues a portal its credentials through the API (201 expected) and remembers them. */
  issue(portal: Portal): Promise<Credentials>;
  /** A kafkajs client of the partner, on the SASL listener, recording what kafkajs logs. */
  partnerKafka(username: string, password: string, logs?: LogEntry[]): Kafka;
  /** Consumes `topic` with `groupId` from the beginning and collects messages. */
  consume(kafka: Kafka, groupId: string, topic: string): Promise<KafkaMessage[]>;
  /** A referral rejected by the provider, made by `requester`. */
  rejected(referralId: string, requester: string): EventEnvelope;
}

export function partnerStreamWorld(label: string): PartnerStreamWorld {
  const run = runName(label);
  const [orgA, orgB, orgC, provider] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const world: PartnerStreamWorld = {
    run,
    orgA,
    orgB,
    orgC,
    provider,
    tokens: {},
    credentials: {},
    topics: [],
    consumers: [],
    notifications: undefined as unknown as NotificationsInstance,
    internalAdmin: undefined as unknown as ReturnType<Kafka['admin']>,
    start: async () => {
      world.notifications = await startNotificationsInstance(run, {
        env: { PARTNER_KAFKA_BOOTSTRAP: PARTNER_BOOTSTRAP },
      });
      for (const [name, organisationId, role] of [
        ['a', orgA, 'referrer'],
        ['b', orgB, 'provider'],
        ['c', orgC, 'link-worker'],
      ] as const) {
        world.tokens[name] = await world.notifications.token({
          clientId: `portal-${name}-${run}`,
          organisationId,
          role,
        });
      }
      world.internalAdmin = new Kafka({
        clientId: `test-${run}`,
        brokers: testInfra.kafkaBrokers,
        logLevel: logLevel.NOTHING,
      }).admin();
      await world.internalAdmin.connect();
    },
    close: async () => {
      await Promise.all(world.consumers.map((c) => c.disconnect().catch(() => undefined)));
      // Leave nothing behind on the shared broker: the partners' users, ACLs and topics.
      for (const name of Object.keys(world.credentials)) {
        await world
          .api('DELETE', '/v1/partner-stream/credentials', world.tokens[name])
          .catch(() => undefined);
      }
      await world.internalAdmin?.deleteTopics({ topics: world.topics }).catch(() => undefined);
      await world.internalAdmin?.disconnect();
      await world.notifications?.close();
    },
    api: async <T>(method: string, path: string, token?: string): Promise<Answer<T>> => {
      const response = await fetch(`${world.notifications.url}${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    issue: async (portal) => {
      const issued = await world.api<Credentials>(
        'POST',
        '/v1/partner-stream/credentials',
        world.tokens[portal],
      );
      if (issued.status !== 201) throw new Error(`issuing ${portal}'s credentials answered ${issued.status}`);
      world.credentials[portal] = issued.body;
      world.topics.push(issued.body.topic);
      return issued.body;
    },
    partnerKafka: (username, password, logs = []) =>
      new Kafka({
        clientId: `portal-${run}`,
        brokers: [PARTNER_BOOTSTRAP],
        sasl: { mechanism: 'scram-sha-512', username, password },
        retry: { retries: 0 },
        logLevel: logLevel.ERROR,
        logCreator: () => (entry) => logs.push(entry),
      }),
    consume: async (kafka, groupId, topic) => {
      const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
      world.consumers.push(consumer);
      const received: KafkaMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
      return received;
    },
    rejected: (referralId, requester) =>
      createEnvelope(
        ReferralRejectedV1,
        {
          referralId,
          version: 2,
          requesterOrganisationId: requester,
          targetServiceId: randomUUID(),
          ownerOrganisationId: provider,
          patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
          submittedAt: new Date(Date.now() - 86_400_000).toISOString(),
          occurredAt: new Date().toISOString(),
          fromStatus: 'requested',
          toStatus: 'rejected',
          actor: { organisationId: provider, role: 'provider' },
          reasonCode: 'no-capacity',
        },
        { source: '/services/referrals', correlationId: run },
      ),
  };
  return world;
}
