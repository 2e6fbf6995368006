// Shared set-up of the trust, capacity and matching integration specs: the signals part of the
// organisations service in-process (real database, Kafka consumer with a unique group, outbox relay
// to the real broker, real JWT verification via a local JWKS), plus helpers to seed the HSDS
// collections the way the HSDS store writes them and to watch the directory topic.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { JWK } from 'jose';
import type { Connection } from 'mongoose';
import { contractRegistry, Topics, type EventEnvelope } from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher, ensureTopics } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { MONGO_CONNECTION, MongoModule, collectionOf } from '@sp/persistence';
import { createServiceApp, OutboxRelayModule, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { testDatabaseName, testInfra, uniqueName, waitFor } from '@sp/testing';
import { ServiceConfigSchema, type ServiceConfig } from '../src/service.config';
import {
  SIGNALS_OUTBOX_COLLECTIONS,
  signalsControllers,
  signalsProviders,
} from '../src/signals/signals.wiring';

const ISSUER = 'http://issuer.organisations-signals.test';
const AUDIENCE = 'social-prescribing';

export interface SignalsHarness {
  app: INestApplication;
  /** What a second instance passes as `shared` to run beside this one. */
  shared: { database: string; signingJwk: JWK };
  http: ReturnType<INestApplication['getHttpServer']>;
  connection: Connection;
  bearer(p: Partial<Principal> & Pick<Principal, 'organisationId' | 'role'>): Promise<string>;
  publish(envs: EventEnvelope[]): Promise<void>;
  directoryEvents(): DirectoryEvent[];
  close(): Promise<void>;
}

export interface DirectoryEvent {
  /** CloudEvents id (ce_id): the same event published twice has one id. */
  id: string;
  type: string;
  key: string | null;
  data: Record<string, unknown>;
}

export interface SignalsHarnessOptions {
  /**
   * Run as another instance of the service: on this database (which the caller drops, see
   * dropDatabase) and verifying tokens of this issuer.
   */
  shared?: { database: string; signingJwk: JWK };
  /**
   * Consume the referral lifecycle topic (default true). A spec that calls the consumer's handlers
   * itself turns it off, so the instance does not also replay the topic from its beginning.
   */
  consume?: boolean;
}

export async function startSignalsHarness(
  prefix: string,
  opts: SignalsHarnessOptions = {},
): Promise<SignalsHarness> {
  const privateJwk = opts.shared?.signingJwk ?? (await TokenIssuer.generateKeyPair()).privateJwk;
  const issuer = new TokenIssuer({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
  const jwks = await serveJwks(issuer.jwks());
  const db = opts.shared?.database ?? testDatabaseName(prefix);

  @Module({
    imports: [
      ServiceKitModule.forRoot({
        name: 'organisations',
        configSchema: ServiceConfigSchema,
        env: {
          KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
          MONGO_URL: testInfra.mongoUrlFor(db),
          JWKS_URL: jwks.url,
          TOKEN_ISSUER: ISSUER,
          TOKEN_AUDIENCE: AUDIENCE,
          LOG_LEVEL: process.env['TEST_SERVICE_LOG_LEVEL'] ?? 'silent',
          // The specs run the sweep themselves: keep the timer out of the way.
          EVIDENCE_SWEEP_INTERVAL_MS: '3600000',
          // Specs write the directory straight to the database after boot: build at the first match.
          MATCH_SNAPSHOT_PRELOAD: 'false',
        },
      }),
      MongoModule.forRootAsync({
        inject: [SERVICE_CONFIG],
        useUrl: (config: ServiceConfig) => config.MONGO_URL,
      }),
      OutboxRelayModule.forRoot({ collections: [...SIGNALS_OUTBOX_COLLECTIONS], pollIntervalMs: 100 }),
    ],
    controllers: signalsControllers,
    providers: signalsProviders,
  })
  class SignalsTestModule {}

  const watcher = await watchDirectoryTopic();
  const consume = opts.consume ?? true;
  const started = await createServiceApp({
    name: 'organisations',
    module: SignalsTestModule,
    topics: [Topics.directory],
    ...(consume
      ? {
          consumer: {
            groupId: uniqueName('org-signals-test'),
            topics: [Topics.referralLifecycle, Topics.teams],
          },
        }
      : {}),
  });
  if (consume) {
    await started.app.startAllMicroservices();
    await waitFor(() => started.transport?.isReady() === true, {
      timeoutMs: 60_000,
      description: 'referral lifecycle consumer ready',
    });
  }
  const publisher = new EventPublisher(
    { brokers: testInfra.kafkaBrokers, clientId: 'org-signals-test-producer' },
    { logger: createLogger('test', 'silent') },
  );
  const connection = started.app.get<Connection>(MONGO_CONNECTION);
  return {
    app: started.app,
    shared: { database: db, signingJwk: privateJwk },
    http: started.app.getHttpServer(),
    connection,
    bearer: async (p) =>
      `Bearer ${
        (
          await issuer.issue({
            clientId: p.clientId ?? `client-${p.role}-${p.organisationId}`,
            organisationId: p.organisationId,
            role: p.role,
            scopes: p.scopes ?? [p.role],
          })
        ).access_token
      }`,
    publish: (envs) => publisher.publishEnvelopes(envs, contractRegistry),
    directoryEvents: () => watcher.events,
    close: async () => {
      await started.app.close();
      await publisher.disconnect();
      await watcher.stop();
      await new Promise((resolve) => jwks.server.close(resolve));
      if (!opts.shared) await dropDatabase(db);
    },
  };
}

export async function dropDatabase(db: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(testInfra.mongoUrlFor(db));
  try {
    await client.connect();
    await client.db(db).dropDatabase();
  } finally {
    await client.close();
  }
}

function serveJwks(keys: unknown): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(keys));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    }),
  );
}

/** Everything on the directory topic (from the beginning), decoded, for as long as the spec runs. */
async function watchDirectoryTopic(): Promise<{ events: DirectoryEvent[]; stop(): Promise<void> }> {
  const kafka = new Kafka({
    clientId: 'org-signals-watch',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({ groupId: `org-signals-watch-${randomUUID()}` });
  const events: DirectoryEvent[] = [];
  await consumer.connect();
  // On a fresh broker the topic may not exist yet when this spec runs first.
  await ensureTopics({ brokers: testInfra.kafkaBrokers, clientId: 'org-signals-watch' }, [Topics.directory], {
    logger: createLogger('test', 'warn'),
  });
  await consumer.subscribe({ topics: [Topics.directory.name], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const type = message.headers?.['ce_type']?.toString() ?? '';
      events.push({
        id: message.headers?.['ce_id']?.toString() ?? '',
        type,
        key: message.key?.toString('utf8') ?? null,
        data: message.value ? (JSON.parse(message.value.toString('utf8')) as Record<string, unknown>) : {},
      });
    },
  });
  return { events, stop: () => consumer.disconnect() };
}

// ---- seeding the HSDS collections as the HSDS store writes them (see hsds-store.port.ts) ----

export interface SeedOrg {
  id: string;
  name?: string;
  kind: 'gp-practice' | 'link-worker-service' | 'vcs';
  odsCode?: string;
  status?: 'active' | 'suspended';
}

export interface SeedService {
  id: string;
  organisationId: string;
  name?: string;
  terms: string[];
  status?: string;
  minimumAge?: number;
  maximumAge?: number;
  languages?: string[];
  sites?: Array<{ latitude: number; longitude: number }>;
}

export async function seedDirectory(
  connection: Connection,
  orgs: SeedOrg[],
  services: SeedService[],
): Promise<void> {
  if (orgs.length > 0)
    await collectionOf(connection, 'organizations').insertMany(
      orgs.map((o) => ({
        _id: o.id,
        id: o.id,
        name: o.name ?? o.id,
        description: `${o.id} description`,
        sp: { kind: o.kind, status: o.status ?? 'active', ...(o.odsCode ? { odsCode: o.odsCode } : {}) },
      })) as never[],
    );
  for (const s of services) {
    await collectionOf(connection, 'services').insertOne({
      _id: s.id,
      id: s.id,
      organization_id: s.organisationId,
      name: s.name ?? s.id,
      status: s.status ?? 'active',
      ...(s.minimumAge !== undefined ? { minimum_age: s.minimumAge } : {}),
      ...(s.maximumAge !== undefined ? { maximum_age: s.maximumAge } : {}),
      languages: (s.languages ?? ['en']).map((code, i) => ({ id: `${s.id}-lang-${i}`, code, name: code })),
      attributes: s.terms.map((t, i) => ({
        id: `${s.id}-attr-${i}`,
        taxonomy_term_id: t,
        link_entity: 'service',
      })),
      sp: { publication: 'published', taxonomyTermIds: [...s.terms].sort() },
    } as never);
    for (const [i, site] of (s.sites ?? []).entries()) {
      const locationId = `${s.id}-loc-${i}`;
      await collectionOf(connection, 'locations').insertOne({
        _id: locationId,
        id: locationId,
        location_type: 'physical',
        latitude: site.latitude,
        longitude: site.longitude,
      } as never);
      await collectionOf(connection, 'service_at_locations').insertOne({
        _id: `${s.id}-sal-${i}`,
        id: `${s.id}-sal-${i}`,
        service_id: s.id,
        location_id: locationId,
      } as never);
    }
  }
}
