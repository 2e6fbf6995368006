import { Kafka, ConfigResourceTypes, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import mongoose, { Schema, type Connection } from 'mongoose';
import { testDatabaseName, testInfra, uniqueName } from '@sp/testing';

// Proves that the infrastructure infra/local/platform.sh provides (or CI provides) is the real thing
// with the settings the platform relies on, not a stand-in: one KRaft broker that refuses to create
// topics on the fly, a MongoDB-wire server that stores and finds documents, and a Redis that keeps
// BullMQ jobs (AOF) and never evicts them.

describe('local infrastructure', () => {
  describe('Kafka', () => {
    const kafka = new Kafka({
      clientId: uniqueName('infra-test'),
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
    });
    let admin: Admin;

    beforeAll(async () => {
      admin = kafka.admin();
      await admin.connect();
    });
    afterAll(async () => {
      await admin.disconnect();
    });

    it('is a single broker with an active controller', async () => {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toHaveLength(1);
      expect(cluster.controller).toBe(cluster.brokers[0]?.nodeId);
    });

    it('is configured for a single node with explicit topic creation', async () => {
      const cluster = await admin.describeCluster();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.BROKER,
            name: String(cluster.brokers[0]?.nodeId),
            configNames: [
              'auto.create.topics.enable',
              'offsets.topic.replication.factor',
              'transaction.state.log.replication.factor',
            ],
          },
        ],
      });
      const entries = Object.fromEntries(
        (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
      );
      expect(entries).toEqual({
        'auto.create.topics.enable': 'false',
        'offsets.topic.replication.factor': '1',
        'transaction.state.log.replication.factor': '1',
      });
    });

    it('refuses to produce to a topic that was not created, even when the client asks for auto-creation', async () => {
      const topic = uniqueName('infra-missing');
      const producer = kafka.producer({
        allowAutoTopicCreation: true,
        retry: { retries: 1, initialRetryTime: 100 },
      });
      await producer.connect();
      try {
        await expect(producer.send({ topic, messages: [{ key: 'k', value: 'v' }] })).rejects.toThrow();
      } finally {
        await producer.disconnect();
      }
      expect(await admin.listTopics()).not.toContain(topic);
    });

    it('creates a topic explicitly and round-trips a message through it', async () => {
      const topic = uniqueName('infra-roundtrip');
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      try {
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'hello' }] });
        await producer.disconnect();
        const offsets = await admin.fetchTopicOffsets(topic);
        expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
      } finally {
        await admin.deleteTopics({ topics: [topic] });
      }
    });
  });

  describe('MongoDB wire protocol (SecantusDB locally; what we rely on from it: mongo-engine.int-spec.ts)', () => {
    const dbName = testDatabaseName('infra');
    let connection: Connection;

    beforeAll(async () => {
      connection = await mongoose.createConnection(testInfra.mongoUrlFor(dbName)).asPromise();
    });
    afterAll(async () => {
      await connection.dropDatabase();
      await connection.close();
    });

    it('answers ping', async () => {
      const db = connection.db;
      if (!db) throw new Error('mongoose connection has no db');
      expect(await db.admin().ping()).toMatchObject({ ok: 1 });
    });

    it('stores and finds documents through mongoose, with a unique index enforced', async () => {
      const Thing = connection.model(
        'Thing',
        new Schema({ code: { type: String, required: true, unique: true }, count: Number }),
      );
      await Thing.init();
      await Thing.create({ code: 'a', count: 1 });
      await Thing.updateOne({ code: 'a' }, { $inc: { count: 2 } });
      const found = await Thing.findOne({ code: 'a' }).lean();
      expect(found).toMatchObject({ code: 'a', count: 3 });
      await expect(Thing.create({ code: 'a', count: 9 })).rejects.toMatchObject({ code: 11000 });
    });
  });

  describe('Redis', () => {
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(testInfra.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    });
    afterAll(async () => {
      await redis.quit();
    });

    it('answers PING', async () => {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    });

    it('keeps an append-only file and never evicts keys (what BullMQ needs)', async () => {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    });
  });
});
