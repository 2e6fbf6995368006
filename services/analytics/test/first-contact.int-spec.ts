// Time to first contact, end to end through Kafka: the analytics service booted in-process on the
// real Kafka and MongoDB consumes real `referral.first-contact-made` events (as the referrals
// service publishes them) and its reports show the median and 90th percentile days to first
// contact per referring practice, receiving organisation, service and platform; a redelivered
// event, or a second first contact for the same referral, is not counted again.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  contractRegistry,
  createEnvelope,
  ReferralFirstContactMadeV1,
  Topics,
  type EventEnvelope,
} from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher } from '@sp/messaging';
import { connectMongo } from '@sp/persistence';
import { createServiceApp } from '@sp/service-kit';
import { groupCaughtUp, startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import { AppModule } from '../src/app.module';

jest.setTimeout(120_000);

const ISSUER = 'http://analytics-first-contact.test';
const AUDIENCE = 'social-prescribing';
const DAY = 86_400_000;
const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

interface Timeliness {
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}

describe('time to first contact, end to end through Kafka', () => {
  const run = uniqueName('an-fc').replace(/-/g, '_');
  const database = `test_${run}_analytics`;
  const practice = randomUUID();
  const otherPractice = randomUUID();
  const receiver = randomUUID();
  const service = randomUUID();
  let app: INestApplication;
  let url = '';
  let jwks: Server;
  let tokens: Record<'ops' | 'practice' | 'receiver', string>;
  let publisher: EventPublisher;

  beforeAll(async () => {
    const keys = await TokenIssuer.generateKeyPair();
    const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const principal = (organisationId: string, role: Principal['role']): Principal => ({
      clientId: `client-${organisationId}`,
      organisationId,
      role,
      scopes: [],
    });
    tokens = {
      ops: (await issuer.issue(principal('platform', 'ops'))).access_token,
      practice: (await issuer.issue(principal(practice, 'referrer'))).access_token,
      receiver: (await issuer.issue(principal(receiver, 'link-worker'))).access_token,
    };

    const groupId = `analytics-${run}`;
    await startGroupsAtTopicsEnd([groupId], [Topics.referralLifecycle]);
    Object.assign(process.env, {
      MONGO_URL: testInfra.mongoUrlFor(database),
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      TOKEN_ISSUER: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: groupId,
    });
    ({ app } = await createServiceApp({
      name: 'analytics',
      module: AppModule,
      consumer: { groupId: 'analytics', topics: [Topics.referralLifecycle] },
    }));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await app?.close();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
    const connection = await connectMongo(testInfra.mongoUrlFor(database));
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });

  const firstContact = (
    requester: string,
    days: number,
    referralId: string = randomUUID(),
  ): EventEnvelope => {
    const submitted = Date.now() - 30 * DAY;
    return createEnvelope(
      ReferralFirstContactMadeV1,
      {
        referralId,
        requesterOrganisationId: requester,
        ownerOrganisationId: receiver,
        targetServiceId: service,
        patientKey: PATIENT,
        submittedAt: new Date(submitted).toISOString(),
        firstContactAt: new Date(submitted + days * DAY).toISOString(),
        method: 'phone',
        attemptsBefore: 1,
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/referrals', correlationId: run },
    );
  };

  const get = async <T>(path: string, who: keyof typeof tokens): Promise<T> => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  type OrganisationsReport = {
    platform?: { timeToFirstContact: Timeliness };
    organisations: Array<{
      organisationId: string;
      timeToFirstContact: Timeliness;
      timeToFirstContactAsReceiver: Timeliness;
    }>;
  };
  const serviceReport = () => get<{ timeToFirstContact: Timeliness }>(`/v1/stats/services/${service}`, 'ops');

  it('reports median and 90th percentile days to first contact, each referral once', async () => {
    // Practice: 1..10 days (median 5, p90 9); the other practice: 20 days.
    const events = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => firstContact(practice, d));
    const other = firstContact(otherPractice, 20);
    await publisher.publishEnvelopes([...events, other], contractRegistry);
    await waitFor(async () => (await serviceReport()).timeToFirstContact.count === 11, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'eleven first contacts recorded',
    });

    // Redelivered events, and a second "first" contact for a referral already reached: not counted.
    const again = firstContact(practice, 0.5, (events[0]!.data as { referralId: string }).referralId);
    await publisher.publishEnvelopes(
      [events[0]!, events[1]!, again, firstContact(otherPractice, 20)],
      contractRegistry,
    );
    await waitFor(async () => (await serviceReport()).timeToFirstContact.count === 12, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the new referral recorded',
    });
    await waitFor(() => groupCaughtUp(`analytics-${run}`, Topics.referralLifecycle), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the consumer group has handled everything published',
    });

    expect((await serviceReport()).timeToFirstContact).toEqual({ count: 12, medianDays: 6, p90Days: 20 });
    const ops = await get<OrganisationsReport>('/v1/stats/referrals', 'ops');
    expect(ops.platform?.timeToFirstContact.count).toBeGreaterThanOrEqual(12);

    const own = await get<OrganisationsReport>('/v1/stats/referrals', 'practice');
    expect(own.organisations[0]).toMatchObject({
      organisationId: practice,
      timeToFirstContact: { count: 10, medianDays: 5, p90Days: 9 },
      timeToFirstContactAsReceiver: { count: 0, medianDays: null, p90Days: null },
    });
    const receiving = await get<OrganisationsReport>('/v1/stats/referrals', 'receiver');
    expect(receiving.organisations[0]).toMatchObject({
      organisationId: receiver,
      timeToFirstContact: { count: 0 },
      timeToFirstContactAsReceiver: { count: 12, medianDays: 6, p90Days: 20 },
    });
  });
});
