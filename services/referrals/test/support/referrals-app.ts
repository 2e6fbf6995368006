import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Topics } from '@sp/contracts';
import { createServiceApp } from '@sp/service-kit';
import { startGroupsAtTopicsEnd, testInfra, uniqueName } from '@sp/testing';
import { AppModule } from '../../src/app.module';
import type { TokenServer } from './tokens';

/**
 * One run of a spec: `run` names its databases, consumer groups and queue prefixes; `id(name)`
 * makes organisation and service ids unique to it.
 */
export function testRun(prefix: string): { run: string; id: (name: string) => string } {
  const run = uniqueName(prefix).replace(/-/g, '_');
  return { run, id: (name: string) => `${name}-${run}`.replace(/_/g, '-') };
}

export interface ReferralsApp {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  url: string;
}

/**
 * Commits, for a consumer group that has no offsets yet, the current end of `topic`: the group
 * then reads only what is produced from now on. A group that has offsets (a second instance of the
 * service joining the first one's group) is left as it is.
 */
async function startGroupAtEnd(groupId: string, topic: (typeof Topics)[keyof typeof Topics]): Promise<void> {
  await startGroupsAtTopicsEnd([groupId], [topic], { onlyGroupsWithoutOffsets: true });
}

/**
 * The referrals service booted in-process on the real Kafka, MongoDB (a replica set) and Redis,
 * isolated by `db` (its database, Kafka consumer group and BullMQ queue prefix), trusting the
 * tokens of `tokens`. Booting twice with the same `db` gives two instances of one deployment (one
 * database, one consumer group, one deadline queue), as production runs several.
 * Deadlines default to the service's defaults (14 days, reminder 72 h before); `env` overrides
 * any variable. process.env is written before each boot, so several copies may run side by side.
 *
 * The consumer group (directory replica; the service's own closing events for the GP summaries)
 * starts at the current end of the shared directory and lifecycle topics
 * (a fresh group would otherwise read it from the beginning: every earlier run's and benchmark's
 * events, tens of thousands on a long-lived machine, minutes of catching up). Specs publish the
 * directory they need after booting, through the real topic and consumer.
 */
export async function bootReferrals(
  db: string,
  tokens: Pick<TokenServer, 'jwksUrl' | 'issuerName' | 'audience'>,
  env: Record<string, string> = {},
): Promise<ReferralsApp> {
  const groupId = `referrals-${db}`;
  await startGroupAtEnd(groupId, Topics.directory);
  await startGroupAtEnd(groupId, Topics.referralLifecycle);
  Object.assign(process.env, {
    MONGO_URL: testInfra.mongoUrlFor(db),
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    JWKS_URL: tokens.jwksUrl,
    TOKEN_ISSUER: tokens.issuerName,
    TOKEN_AUDIENCE: tokens.audience,
    LOG_LEVEL: 'warn',
    KAFKA_GROUP_ID: groupId,
    QUEUE_PREFIX: db,
    RESPONSE_DEADLINE_HOURS: '336',
    REMINDER_BEFORE_DEADLINE_HOURS: '72',
    ...env,
  });
  const { app } = await createServiceApp({
    name: 'referrals',
    module: AppModule,
    topics: [Topics.referralLifecycle, Topics.teams],
    consumer: { groupId: 'referrals', topics: [Topics.directory, Topics.referralLifecycle] },
  });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
