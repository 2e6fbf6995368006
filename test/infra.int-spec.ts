import { Kafka, ConfigResourceTypes, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import mongoose, { Schema, type Connection } from 'mongoose';
import { MongoClient, type Document } from 'mongodb';
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

  describe('MongoDB wire protocol (FerretDB locally)', () => {
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

    it('applies a bulk write of more update statements than FerretDB has PostgreSQL connections', async () => {
      // Unpatched FerretDB 1.24 holds one of its 50 PostgreSQL connections per update statement
      // until the whole command ends, so this hung the server for every client
      // (infra/local/ferretdb/patches/0001-update-release-connections.patch).
      const db = connection.db;
      if (!db) throw new Error('mongoose connection has no db');
      const items = db.collection<{ _id: string; n: number }>('bulk_items');
      const ids = Array.from({ length: 120 }, (_, i) => `item-${i}`);
      await items.insertMany(ids.map((_id) => ({ _id, n: 0 })));
      const result = await items.bulkWrite(
        ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
        { ordered: true },
      );
      expect(result.modifiedCount).toBe(ids.length);
      expect(await items.countDocuments({ n: 1 })).toBe(ids.length);
    });
  });

  describe('FerretDB equality lookups (patch 0002)', () => {
    let client: MongoClient;
    const dbName = uniqueName('infra_index').replace(/-/g, '_');

    beforeAll(async () => {
      client = await MongoClient.connect(testInfra.mongoUrlFor(dbName));
    });
    afterAll(async () => {
      await client.db().dropDatabase();
      await client.close();
    });

    const planOf = async (filter: Document): Promise<string> =>
      JSON.stringify(
        (await client.db().command({ explain: { find: 'things', filter } })) as { queryPlanner: unknown },
      );

    it('uses the indexes for _id and for a field that leads an index, keeping MongoDB array semantics', async () => {
      const things = client.db().collection<{ _id: string; code: string | string[] }>('things');
      await things.createIndex({ code: 1 });
      await things.insertMany([
        ...Array.from({ length: 200 }, (_, i) => ({ _id: `t${i}`, code: `c${i}` })),
        { _id: 'tagged', code: ['x', 'c7'] },
      ]);

      expect(await planOf({ _id: 't3' })).toContain('Index Scan');
      expect(await planOf({ _id: { $in: ['t3', 't4'] } })).toContain('Index Scan');
      expect(await planOf({ code: 'c3' })).toContain('Index Scan');

      expect((await things.findOne({ _id: 't3' }))?.code).toBe('c3');
      expect((await things.find({ _id: { $in: ['t3', 't4', 'missing'] } }).toArray()).length).toBe(2);
      // Equality on a scalar also matches an array that contains it, as on MongoDB.
      expect((await things.find({ code: 'c7' }).toArray()).map((d) => d._id).sort()).toEqual([
        't7',
        'tagged',
      ]);
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
