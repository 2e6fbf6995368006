import { Kafka, logLevel } from 'kafkajs';
import { testInfra } from '@sp/testing';

/**
 * Commits, for new consumer groups, the current end offsets of the given topics, so the services
 * started with these groups read only what is produced from now on instead of the whole history
 * the shared topics hold (every earlier run's events). Everything this run asserts on is produced
 * afterwards.
 */
export async function startGroupsAtTopicsEnd(groupIds: string[], topics: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e-case-admin',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.filter((t) => existing.has(t))) {
      const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({
        partition: p.partition,
        offset: p.high,
      }));
      for (const groupId of groupIds) await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}
