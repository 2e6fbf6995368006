// Per-test isolation on the real infrastructure: a unique database, unique topics, cleanup after.
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { testDatabaseName, testInfra, uniqueName } from '@sp/testing';
import { deadLetterTopicName } from '@sp/contracts';
import { createLogger } from '@sp/observability';
import { ensureTopics } from '../../src/ensure-topics';
import { testContracts, type TestContracts } from './test-contracts';

export interface Harness extends TestContracts {
  topic: string;
  brokers: string[];
  mongoUrl: string;
  mongo: MongoClient;
  db: Db;
  cleanup(): Promise<void>;
}

export async function createHarness(
  prefix: string,
  opts: { brokers?: string[]; partitions?: number } = {},
): Promise<Harness> {
  const brokers = opts.brokers ?? testInfra.kafkaBrokers;
  const partitions = opts.partitions ?? 3;
  const topic = uniqueName(`${prefix}-test`);
  const contracts = testContracts(topic, partitions);
  await ensureTopics({ brokers, clientId: 'test-harness' }, [contracts.contract.topic], {
    logger: quietLogger(),
  });
  const mongoUrl = testInfra.mongoUrlFor(testDatabaseName(prefix));
  const mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  const db = mongo.db();
  return {
    ...contracts,
    topic,
    brokers,
    mongoUrl,
    mongo,
    db,
    async cleanup() {
      await db.dropDatabase().catch(() => undefined);
      await mongo.close();
      const admin = new Kafka({
        clientId: 'test-harness',
        brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 1 },
      }).admin();
      await admin
        .connect()
        .then(() => admin.deleteTopics({ topics: [topic, deadLetterTopicName(topic)] }))
        .catch(() => undefined)
        .finally(() => admin.disconnect());
    },
  };
}

/** Library logs at warn and above only: test output stays readable, problems still show. */
export function quietLogger(): ReturnType<typeof createLogger> {
  return createLogger('messaging-test', process.env['LOG_LEVEL'] ?? 'warn');
}
