// Shared set-up of the inbox and ops integration specs: the notifications service booted in-process
// on the real MongoDB and Redis (unique database and queue prefix per run), trusting tokens of a
// test issuer published through a real JWKS HTTP server, listening on an ephemeral port.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { TokenIssuer, type Role } from '@sp/identity';
import { createServiceApp } from '@sp/service-kit';
import { localOidcIssuersEnv, testInfra, uniqueName } from '@sp/testing';
import { AppModule } from '../src/app.module';

const AUDIENCE = 'social-prescribing';

export interface OpsWorld {
  run: string;
  app: INestApplication;
  url: string;
  token(role: Role, organisationId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOpsWorld(label: string, env: Record<string, string> = {}): Promise<OpsWorld> {
  const run = uniqueName(label).replace(/-/g, '_');
  const issuerUrl = `http://notifications-${label}.test`;
  const keys = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: issuerUrl, audience: AUDIENCE });
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    MONGO_URL: testInfra.mongoUrlFor(`test_${run}_notifications`),
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    TOKEN_ISSUER: issuerUrl,
    TOKEN_AUDIENCE: AUDIENCE,
    OIDC_ISSUERS: localOidcIssuersEnv(),
    LOG_LEVEL: 'warn',
    KAFKA_GROUP_ID: `notifications-${run}`,
    QUEUE_PREFIX: run,
    ...env,
  });
  // No Kafka consumer: these specs drive the inbox and the queues directly.
  const { app } = await createServiceApp({ name: 'notifications', module: AppModule });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    run,
    app,
    url,
    token: async (role, organisationId = randomUUID()) =>
      (await issuer.issue({ clientId: `${role}-${run}`, organisationId, role, scopes: [] })).access_token,
    close: async () => {
      await app.close();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
    },
  };
}
