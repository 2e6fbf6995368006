// One notifications service instance booted in-process on the real stack of infra/local/platform.sh
// (Kafka, SecantusDB, Redis), for every integration spec of the service: a run-unique database,
// BullMQ queue prefix and consumer group (starting at the topics' end, so earlier runs' events are
// never replayed), trusting tokens of a test issuer published through a real JWKS HTTP server (or
// of an issuer the spec brings), listening on an ephemeral port, with a publisher for events.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { contractRegistry, Topics, type EventEnvelope, type TopicDefinition } from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher } from '@sp/messaging';
import { createServiceApp } from '@sp/service-kit';
import { startGroupsAtTopicsEnd, testInfra, uniqueName } from '@sp/testing';
import { AppModule } from '../../src/app.module';
import { DIGEST_SCHEDULER_ID, DigestScheduler } from '../../src/digest/run-digest/digest.scheduler';

const AUDIENCE = 'social-prescribing';

/** A run-unique name usable as database, queue prefix and group suffix (underscores, no hyphens). */
export function runName(label: string): string {
  return uniqueName(label).replace(/-/g, '_');
}

/** Who signs the tokens the instance trusts, when the spec brings its own issuer. */
export interface TrustedIssuer {
  issuer: TokenIssuer;
  issuerName: string;
  audience: string;
  jwksUrl: string;
}

export interface NotificationsInstanceOptions {
  /** Topics the instance consumes (default: the referral lifecycle); [] boots it with no Kafka consumer. */
  topics?: TopicDefinition[];
  /** Default: a fresh test issuer behind its own JWKS server. */
  trust?: TrustedIssuer;
  /** Configuration on top of the stack's (SMTP, Notify, OIDC issuers...). */
  env?: Record<string, string>;
}

/** What a token is for; the client id defaults to one per role and run. */
export type TokenFor = Omit<Principal, 'clientId' | 'scopes'> &
  Partial<Pick<Principal, 'clientId' | 'scopes'>>;

export interface NotificationsInstance {
  run: string;
  app: INestApplication;
  url: string;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  token(principal: TokenFor): Promise<string>;
  close(): Promise<void>;
}

export async function startNotificationsInstance(
  run: string,
  options: NotificationsInstanceOptions = {},
): Promise<NotificationsInstance> {
  const topics = options.topics ?? [Topics.referralLifecycle];
  const trust =
    options.trust ?? (await startTestIssuer(`http://notifications-${run.replace(/_/g, '-')}.test`));
  const groupId = `notifications-${run}`;
  if (topics.length > 0) await startGroupsAtTopicsEnd([groupId], topics);
  Object.assign(process.env, {
    MONGO_URL: testInfra.mongoUrlFor(`test_${run}_notifications`),
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    JWKS_URL: trust.jwksUrl,
    TOKEN_ISSUER: trust.issuerName,
    TOKEN_AUDIENCE: trust.audience,
    LOG_LEVEL: 'warn',
    KAFKA_GROUP_ID: groupId,
    QUEUE_PREFIX: run,
    ...options.env,
  });
  const { app } = await createServiceApp({
    name: 'notifications',
    module: AppModule,
    ...(topics.length > 0 ? { consumer: { groupId: 'notifications', topics } } : {}),
  });
  if (topics.length > 0) await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });

  return {
    run,
    app,
    url,
    publish: (envelopes) => publisher.publishEnvelopes(envelopes, contractRegistry),
    token: async ({ clientId, scopes, ...principal }) =>
      (
        await trust.issuer.issue({
          clientId: clientId ?? `${principal.role}-${run}`,
          scopes: scopes ?? [],
          ...principal,
        })
      ).access_token,
    close: async () => {
      // The digest schedule lives in Redis under this run's prefix: leave nothing behind.
      await app.get(DigestScheduler).queue.removeJobScheduler(DIGEST_SCHEDULER_ID);
      await publisher.disconnect();
      await app.close();
      if (!options.trust) await (trust as OwnIssuer).stop();
    },
  };
}

interface OwnIssuer extends TrustedIssuer {
  stop(): Promise<void>;
}

async function startTestIssuer(issuerName: string): Promise<OwnIssuer> {
  const keys = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: issuerName, audience: AUDIENCE });
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  return {
    issuer,
    issuerName,
    audience: AUDIENCE,
    jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    stop: () => new Promise<void>((resolve) => jwks.close(() => resolve())),
  };
}
