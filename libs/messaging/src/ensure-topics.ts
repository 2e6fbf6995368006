// Topics are created explicitly (the broker has auto-creation off): each platform topic and its
// dead-letter twin, with the partition count the contract declares. Safe to call from every
// service at every start: existing topics are left alone.
import { deadLetterTopicName, type TopicDefinition } from '@sp/contracts';
import { createLogger } from '@sp/observability';
import type { Admin, ITopicMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka, type KafkaConnection } from './kafka-connection';

export interface EnsureTopicsOptions {
  logger?: Logger;
  /** How long to wait for every partition to have a leader. */
  timeoutMs?: number;
}

/** The topics to create: each definition plus its `.dlq` twin with the same partition count. */
export function topicsWithDeadLetters(
  topics: TopicDefinition[],
): Array<{ topic: string; numPartitions: number }> {
  const wanted = new Map<string, number>();
  for (const t of topics) {
    wanted.set(t.name, t.partitions);
    wanted.set(deadLetterTopicName(t.name), t.partitions);
  }
  return [...wanted].map(([topic, numPartitions]) => ({ topic, numPartitions }));
}

function allLeadersElected(metadata: ITopicMetadata[], expected: Map<string, number>): boolean {
  const byName = new Map(metadata.map((m) => [m.name, m]));
  for (const [name, partitions] of expected) {
    const meta = byName.get(name);
    if (meta === undefined || meta.partitions.length < partitions) return false;
    if (meta.partitions.some((p) => p.leader < 0)) return false;
  }
  return true;
}

async function waitForMetadata(
  admin: Admin,
  expected: Map<string, number>,
  timeoutMs: number,
): Promise<ITopicMetadata[]> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...expected.keys()] });
      if (allLeadersElected(topics, expected)) return topics;
    } catch (error) {
      // UNKNOWN_TOPIC_OR_PARTITION right after creation: metadata has not propagated yet.
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(`topics not ready after ${timeoutMs} ms: ${[...expected.keys()].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

export async function ensureTopics(
  conn: KafkaConnection,
  topics: TopicDefinition[],
  opts: EnsureTopicsOptions = {},
): Promise<void> {
  const logger = opts.logger ?? createLogger('messaging');
  const wanted = topicsWithDeadLetters(topics);
  if (wanted.length === 0) return;
  const admin = createKafka(conn, logger).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // createTopics resolves false when every error is TOPIC_ALREADY_EXISTS (another service won the race).
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      logger.info({ topics: missing.map((t) => t.topic) }, 'created Kafka topics');
    }
    // Wait until the new topics have all their partitions led; existing ones only need leaders.
    const expected = new Map(wanted.map((t) => [t.topic, existing.has(t.topic) ? 1 : t.numPartitions]));
    const metadata = await waitForMetadata(admin, expected, opts.timeoutMs ?? 30_000);
    const declared = new Map(wanted.map((t) => [t.topic, t.numPartitions]));
    for (const meta of metadata) {
      const partitions = declared.get(meta.name) ?? 0;
      if (meta.partitions.length !== partitions) {
        // Never repartition automatically: it would move keys between partitions and break per-key order.
        logger.warn(
          { topic: meta.name, actual: meta.partitions.length, declared: partitions },
          'topic partition count differs from its definition',
        );
      }
    }
  } finally {
    await admin.disconnect();
  }
}
