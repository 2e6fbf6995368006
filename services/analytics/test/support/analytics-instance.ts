// One analytics service instance booted in-process on the real stack of infra/local/platform.sh
// (Kafka, SecantusDB): a run-unique database and consumer group (started at the topics' end, so
// earlier runs' events are never replayed) consuming the referral lifecycle and directory topics,
// trusting tokens of a test issuer published through a real JWKS HTTP server, listening on an
// ephemeral port, with a publisher for events and helpers to wait for and read reports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { contractRegistry, Topics, type EventEnvelope } from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher } from '@sp/messaging';
import { connectMongo } from '@sp/persistence';
import { createServiceApp } from '@sp/service-kit';
import { groupCaughtUp, startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import { AppModule } from '../../src/app.module';

const AUDIENCE = 'social-prescribing';
const TOPICS = [Topics.referralLifecycle, Topics.directory];

/** A run-unique name usable as database name and group suffix (underscores, no hyphens). */
export function runName(label: string): string {
  return uniqueName(label).replace(/-/g, '_');
}

/** What a token is for; the client id defaults to one per role and organisation. */
export type TokenFor = Omit<Principal, 'clientId' | 'scopes'> &
  Partial<Pick<Principal, 'clientId' | 'scopes'>>;

export interface HttpAnswer {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface AnalyticsInstance {
  run: string;
  app: INestApplication;
  url: string;
  database: string;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  /** Waits until the instance's consumer group has handled everything published so far. */
  caughtUp(): Promise<void>;
  token(principal: TokenFor): Promise<string>;
  get(path: string, token: string, accept?: string): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export async function startAnalyticsInstance(run: string): Promise<AnalyticsInstance> {
  const issuerName = `http://analytics-${run.replace(/_/g, '-')}.test`;
  const keys = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: issuerName, audience: AUDIENCE });
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));

  const groupId = `analytics-${run}`;
  const database = `test_${run}_analytics`;
  await startGroupsAtTopicsEnd([groupId], TOPICS);
  Object.assign(process.env, {
    MONGO_URL: testInfra.mongoUrlFor(database),
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    TOKEN_ISSUER: issuerName,
    TOKEN_AUDIENCE: AUDIENCE,
    LOG_LEVEL: 'warn',
    KAFKA_GROUP_ID: groupId,
  });
  const { app } = await createServiceApp({
    name: 'analytics',
    module: AppModule,
    consumer: { groupId: 'analytics', topics: TOPICS },
  });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });

  return {
    run,
    app,
    url,
    database,
    publish: (envelopes) => publisher.publishEnvelopes(envelopes, contractRegistry),
    caughtUp: async () => {
      for (const topic of TOPICS) {
        await waitFor(() => groupCaughtUp(groupId, topic), {
          timeoutMs: 60_000,
          intervalMs: 250,
          description: `the consumer group has handled everything published to ${topic.name}`,
        });
      }
    },
    token: async ({ clientId, scopes, ...principal }) =>
      (
        await issuer.issue({
          clientId: clientId ?? `${principal.role}-${principal.organisationId}`,
          scopes: scopes ?? [],
          ...principal,
        })
      ).access_token,
    get: async (path, token, accept) => {
      const response = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        headers: response.headers,
        text,
        json,
      };
    },
    close: async () => {
      await publisher.disconnect();
      await app.close();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
      const connection = await connectMongo(testInfra.mongoUrlFor(database));
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}
