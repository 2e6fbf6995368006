// The analytics read models on the real stack (Kafka, SecantusDB), the service booted in-process:
// the live projection records lifecycle events, refusals and capacity changes; after the read
// models are DROPPED, a rebuild replays the topics from the first offset into a new generation
// and switches reads to it, giving exactly the same documents (events produced during the rebuild
// land in the new generation too); redelivered and out-of-order events change nothing; the
// lifecycle topic is kept forever.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { contractRegistry, Topics, type EventEnvelope, type TopicDefinition } from '@sp/contracts';
import { TokenIssuer } from '@sp/identity';
import { ensureTopics, EventPublisher } from '@sp/messaging';
import { connectMongo, MongoModule } from '@sp/persistence';
import { createServiceApp, MongoReadiness, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { groupCaughtUp, startGroupsAtTopicsEnd, testInfra, uniqueName, waitFor } from '@sp/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mongoose';
import { FACT_COLLECTIONS, type FactCollection } from '../src/read-models/domain/fact-updates';
import { collectionName } from '../src/read-models/domain/generations';
import { READ_MODEL_READER, type ReadModelReader } from '../src/read-models/read-model.reader';
import { ReadModelsModule } from '../src/read-models/read-models.module';
import { ServiceConfigSchema, type ServiceConfig } from '../src/service.config';
import { capacity, iso, newWorld, ReferralStory, refusal, worldEvents } from './read-models-events';

jest.setTimeout(240_000);

const ISSUER = 'http://analytics-read-models.test';
const AUDIENCE = 'social-prescribing';
const TOPICS = [Topics.referralLifecycle, Topics.directory];
const ALL_TIME = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };

type Doc = Record<string, unknown> & { _id: string };

/**
 * The analytics service's wiring (AppModule's service kit and database) with only the read-models
 * feature, so this spec does not depend on the reports and dashboard features.
 */
@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'analytics',
      configSchema: ServiceConfigSchema,
      openApi: { title: 'Analytics service', description: 'Read models.' },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    ReadModelsModule,
  ],
  providers: [MongoReadiness],
})
class ReadModelsAppModule {}

describe('analytics read models: live projection and rebuild', () => {
  const run = uniqueName('an-rm').replace(/-/g, '_');
  const database = `test_${run}_analytics`;
  const groupId = `analytics-${run}`;
  let app: INestApplication;
  let url = '';
  let jwks: Server;
  let opsToken = '';
  let practiceToken = '';
  let publisher: EventPublisher;
  let db: Connection;

  beforeAll(async () => {
    const keys = await TokenIssuer.generateKeyPair();
    const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    opsToken = (await issuer.issue({ clientId: 'ops', organisationId: 'platform', role: 'ops', scopes: [] }))
      .access_token;
    practiceToken = (
      await issuer.issue({ clientId: 'gp', organisationId: randomUUID(), role: 'referrer', scopes: [] })
    ).access_token;

    await startGroupsAtTopicsEnd([groupId], TOPICS);
    Object.assign(process.env, {
      MONGO_URL: testInfra.mongoUrlFor(database),
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      TOKEN_ISSUER: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: groupId,
      READ_MODEL_SWITCH_GRACE_MS: '3000',
    });
    ({ app } = await createServiceApp({
      name: 'analytics',
      module: ReadModelsAppModule,
      consumer: { groupId: 'analytics', topics: TOPICS },
    }));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` });
    db = await connectMongo(testInfra.mongoUrlFor(database));
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await app?.close();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
  });

  const publish = (events: EventEnvelope[]) => publisher.publishEnvelopes(events, contractRegistry);
  const caughtUp = async () => {
    for (const topic of TOPICS) {
      await waitFor(() => groupCaughtUp(groupId, topic), {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: `the live consumer has handled everything published to ${topic.name}`,
      });
    }
  };
  const http = async (method: 'GET' | 'POST', path: string, token = opsToken) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** The documents of one generation with the given ids, sorted. */
  async function documents(generation: number, ids: Record<FactCollection, string[]>) {
    const out = {} as Record<FactCollection, Doc[]>;
    for (const name of FACT_COLLECTIONS) {
      out[name] = await db
        .db!.collection<Doc>(collectionName(generation, name))
        .find({ _id: { $in: ids[name] } })
        .sort({ _id: 1 })
        .toArray();
    }
    return out;
  }

  it('rebuilds dropped read models from the topics into documents identical to the live ones', async () => {
    const world = newWorld();
    const { referralIds, events } = worldEvents(world);
    await publish(events);
    await caughtUp();

    const ids: Record<FactCollection, string[]> = {
      referral_facts: referralIds,
      refusals: events
        .filter((e) => e.type.includes('referral.refused'))
        .map((e) => (e.data as { refusalId: string }).refusalId),
      capacity_samples: events.filter((e) => e.type.includes('capacity-changed')).map((e) => e.id),
    };
    const live = await documents(1, ids);
    expect(live.referral_facts).toHaveLength(20);
    expect(live.refusals).toHaveLength(3);
    expect(live.capacity_samples).toHaveLength(4);
    // Spot checks of the projection itself (the unit specs cover every field).
    const byId = new Map(live.referral_facts.map((d) => [d._id, d]));
    expect(byId.get(referralIds[4]!)).toMatchObject({
      status: 'completed',
      version: 4,
      submittedAt: new Date(iso(20)),
      acceptedAt: new Date(iso(22)),
      firstContactAt: new Date(iso(39)),
      completedAt: new Date(iso(320)),
      outcomeCodes: ['sp-outcome-attended'],
      onwardReferralIds: [referralIds[13]],
      population: { ageBand: '45-54', sex: 'male', imdDecile: 2, ethnicCategory: 'H' },
    });
    expect(byId.get(referralIds[13]!)).toMatchObject({
      parentReferralId: referralIds[4],
      status: 'rejected',
    });
    expect(byId.get(referralIds[6]!)).not.toHaveProperty('population');
    expect(byId.get(referralIds[5]!)).not.toHaveProperty('population'); // submitted v1
    expect(byId.get(referralIds[7]!)).toMatchObject({ status: 'entered-in-error', version: 6 });

    const reader = app.get<ReadModelReader>(READ_MODEL_READER);
    const scope = { requesterOrganisationIds: [world.practice] };
    const readBefore = {
      facts: await reader.referralFacts(ALL_TIME, scope),
      refusals: await reader.refusals(ALL_TIME, scope),
      capacity: (await reader.capacitySamples(ALL_TIME, { all: true })).filter((s) =>
        world.services.includes(s.serviceId),
      ),
    };
    expect(readBefore.facts).toHaveLength(19); // all but the one entered in error
    expect(readBefore.facts[0]).not.toHaveProperty('_id');
    expect(readBefore.facts[0]).not.toHaveProperty('_v');
    expect(readBefore.refusals).toHaveLength(3);
    expect(readBefore.capacity).toHaveLength(4);
    // A period: submitted in [20 h, 40 h) is referrals 4..7 (7 entered in error); refusals at 30 h;
    // capacity during the period plus each service's last sample before it.
    const period = { from: new Date(iso(20)), to: new Date(iso(40)) };
    expect((await reader.referralFacts(period, scope)).map((f) => f.referralId)).toEqual(
      referralIds.slice(4, 7),
    );
    expect((await reader.refusals(period, scope)).map((r) => r.occurredAt)).toEqual([new Date(iso(30))]);
    expect(await reader.referralFacts(period, { requesterOrganisationIds: [] })).toEqual([]);
    expect(await reader.referralFacts(period, { ownerOrganisationIds: [world.linkWorker] })).toHaveLength(3);
    const samples = (await reader.capacitySamples(period, { ownerOrganisationIds: [world.provider] })).map(
      (c) => [c.serviceId, c.waitlistLength, c.occurredAt.toISOString()],
    );
    expect(samples).toEqual([
      [world.services[0], 0, iso(1)],
      [world.services[1], 5, iso(10)],
    ]);
    expect(await reader.capacitySamples(period, { ownerOrganisationIds: [randomUUID()] })).toEqual([]);

    // The read models are lost.
    for (const name of FACT_COLLECTIONS) await db.db!.collection(collectionName(1, name)).drop();
    expect(await reader.referralFacts(ALL_TIME, scope)).toEqual([]);

    // Not for anyone but ops.
    expect((await http('POST', '/v1/ops/read-models/rebuild', practiceToken)).status).toBe(403);
    const started = await http('POST', '/v1/ops/read-models/rebuild');
    expect(started).toMatchObject({ status: 202, body: { building: 2, active: 1 } });
    const again = await http('POST', '/v1/ops/read-models/rebuild');
    expect(again).toMatchObject({ status: 409, body: { code: 'READ_MODEL_REBUILD.CONFLICT' } });

    // Produced while the rebuild runs: must be in the new generation.
    const during = [0, 1, 2].map((i) => new ReferralStory(world, randomUUID(), 500 + i).submit().accept(3));
    const duringCapacity = capacity(world, 1, 9, 600);
    await publish([...during.flatMap((s) => s.events), duringCapacity]);

    await waitFor(async () => (await http('GET', '/v1/ops/read-models')).body['active'] === 2, {
      timeoutMs: 180_000,
      intervalMs: 500,
      description: 'generation 2 rebuilt and active',
    });
    const state = await http('GET', '/v1/ops/read-models');
    expect(state.body).toMatchObject({ active: 2, previous: 1 });
    expect(state.body).not.toHaveProperty('building');
    expect(state.body['history']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ generation: 2, event: 'created' }),
        expect.objectContaining({ generation: 2, event: 'activated' }),
      ]),
    );

    expect(await documents(2, ids)).toEqual(live);
    await caughtUp();
    const duringDocs = await documents(2, {
      referral_facts: during.map((s) => s.referralId),
      refusals: [],
      capacity_samples: [duringCapacity.id],
    });
    expect(duringDocs.referral_facts.map((d) => d['status'])).toEqual(['accepted', 'accepted', 'accepted']);
    expect(duringDocs.capacity_samples).toHaveLength(1);

    // The reports read the new generation: the same figures as before, plus what came during.
    const duringIds = new Set(during.map((s) => s.referralId));
    const factsAfter = await reader.referralFacts(ALL_TIME, scope);
    expect(factsAfter.filter((f) => !duringIds.has(f.referralId))).toEqual(readBefore.facts);
    expect(factsAfter).toHaveLength(22);
    expect(await reader.refusals(ALL_TIME, scope)).toEqual(readBefore.refusals);
    expect(
      (await reader.capacitySamples(ALL_TIME, { all: true })).filter(
        (s) => world.services.includes(s.serviceId) && s.eventId !== duringCapacity.id,
      ),
    ).toEqual(readBefore.capacity);
  });

  it('gives identical documents for events redelivered and delivered out of order', async () => {
    const world = newWorld();
    const inOrder = new ReferralStory(world, randomUUID(), 0)
      .submit()
      .accept(2)
      .start(5)
      .firstContact(4)
      .hold(8)
      .resume(9)
      .complete(40)
      .withdrawConsent(50);
    // The same story for a second referral, delivered backwards and then all over again (same envelopes).
    const shuffled = new ReferralStory(world, randomUUID(), 0)
      .submit()
      .accept(2)
      .start(5)
      .firstContact(4)
      .hold(8)
      .resume(9)
      .complete(40)
      .withdrawConsent(50);
    const extra = refusal(world, 7);
    await publish([...inOrder.events, extra]);
    await publish([...shuffled.events].reverse());
    await publish([...shuffled.events, extra]);
    await caughtUp();

    const { active } = (await http('GET', '/v1/ops/read-models')).body as { active: number };
    const docs = await db
      .db!.collection<Doc>(collectionName(active, 'referral_facts'))
      .find({ _id: { $in: [inOrder.referralId, shuffled.referralId] } })
      .toArray();
    const first = docs.find((d) => d._id === inOrder.referralId)!;
    const second = docs.find((d) => d._id === shuffled.referralId)!;
    expect({ ...second, _id: first._id, referralId: first['referralId'] }).toEqual(first);
    expect(first).toMatchObject({ status: 'completed', version: 6, consentWithdrawnAt: new Date(iso(50)) });
    expect(first).not.toHaveProperty('population');
    expect(
      await db
        .db!.collection<Doc>(collectionName(active, 'refusals'))
        .countDocuments({ _id: (extra.data as { refusalId: string }).refusalId }),
    ).toBe(1);
  });

  it('keeps the lifecycle and directory topics forever, and adds that to an existing topic', async () => {
    const admin = new Kafka({
      clientId: `test-${run}`,
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const retention = async (topic: string) => {
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      return described.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    };
    const topic: TopicDefinition = {
      name: `test.read-models.${run}`,
      partitions: 1,
      description: 'an existing topic created before its definition had a config',
      key: 'none',
      config: { 'retention.ms': '-1' },
    };
    try {
      expect(await retention(Topics.referralLifecycle.name)).toBe('-1');
      expect(await retention(Topics.directory.name)).toBe('-1');
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topic.name, numPartitions: 1 }] });
      expect(await retention(topic.name)).not.toBe('-1');
      await ensureTopics({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` }, [topic]);
      expect(await retention(topic.name)).toBe('-1');
    } finally {
      await admin.deleteTopics({ topics: [topic.name, `${topic.name}.dlq`] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
