// The message back to the GP reaching the practice: the notifications service booted in-process on
// the real Kafka, MongoDB and Redis consumes a real `referral.gp-summary-issued` event (as the
// referrals service publishes it) and the practice finds it in its inbox; another organisation
// does not, and a redelivered event adds nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createEnvelope, contractRegistry, ReferralGpSummaryIssuedV1, Topics } from '@sp/contracts';
import { TokenIssuer, type Principal } from '@sp/identity';
import { EventPublisher } from '@sp/messaging';
import { createServiceApp } from '@sp/service-kit';
import { startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import { AppModule } from '../src/app.module';

jest.setTimeout(120_000);

interface InboxItem {
  id: string;
  kind: string;
  referralId: string;
}

const ISSUER = 'http://notifications-gp-summary.test';
const AUDIENCE = 'social-prescribing';

describe('GP summary notification, end to end through Kafka', () => {
  const run = uniqueName('notif-gps').replace(/-/g, '_');
  const gp = `org-gp-${run}`;
  const vcs = `org-vcs-${run}`;
  let app: INestApplication;
  let url = '';
  let jwks: Server;
  let tokens: Record<'gp' | 'vcs', string>;
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
      clientId: organisationId,
      organisationId,
      role,
      scopes: [],
    });
    tokens = {
      gp: (await issuer.issue({ ...principal(gp, 'referrer'), odsCode: 'A81001' })).access_token,
      vcs: (await issuer.issue(principal(vcs, 'provider'))).access_token,
    };

    const groupId = `notifications-${run}`;
    await startGroupsAtTopicsEnd([groupId], [Topics.referralLifecycle]);
    Object.assign(process.env, {
      MONGO_URL: testInfra.mongoUrlFor(`test_${run}_notifications`),
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      TOKEN_ISSUER: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: groupId,
      QUEUE_PREFIX: run,
    });
    ({ app } = await createServiceApp({
      name: 'notifications',
      module: AppModule,
      consumer: { groupId: 'notifications', topics: [Topics.referralLifecycle] },
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
  });

  const inboxOf = async (who: 'gp' | 'vcs'): Promise<InboxItem[]> => {
    const response = await fetch(`${url}/v1/inbox?limit=500`, {
      headers: { authorization: `Bearer ${tokens[who]}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: InboxItem[] }).items;
  };

  it('tells the referring practice once, even when the practice closed the referral itself', async () => {
    const referralId = `ref-${run}`;
    const event = createEnvelope(
      ReferralGpSummaryIssuedV1,
      {
        summaryId: `sum-${run}`.slice(0, 64),
        referralId,
        rootReferralId: referralId,
        recipientOrganisationId: gp,
        recipientOdsCode: 'A81001',
        targetServiceId: `svc-${run}`.slice(0, 64),
        ownerOrganisationId: vcs,
        closingStatus: 'cancelled',
        expired: false,
        closedBy: { organisationId: gp, role: 'referrer' },
        reasonCode: 'patient-declined',
        outcomeCodes: [],
        recordCodes: ['871711000000103'],
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/referrals', correlationId: run },
    );
    // Published twice: a redelivery adds nothing.
    await publisher.publishEnvelopes([event], contractRegistry);
    await publisher.publishEnvelopes([event], contractRegistry);

    // Then another summary notice on the same key (same partition): once it is in, the redelivery
    // before it has been handled too.
    const later = createEnvelope(ReferralGpSummaryIssuedV1, event.data, {
      source: '/services/referrals',
      correlationId: run,
    });
    await publisher.publishEnvelopes([later], contractRegistry);
    await waitFor(async () => (await inboxOf('gp')).some((i) => i.id.startsWith(later.id)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the GP summary notices in the practice inbox',
    });
    const mine = (await inboxOf('gp')).filter((i) => i.referralId === referralId);
    expect(mine.filter((i) => i.id.startsWith(event.id))).toEqual([
      expect.objectContaining({ kind: 'referral.gp-summary-issued', referralId }),
    ]);
    expect(mine).toHaveLength(2);
    expect((await inboxOf('vcs')).filter((i) => i.referralId === referralId)).toEqual([]);
  });
});
