import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { TopicDefinition } from '@sp/contracts';
import { testInfra } from './test-infra';

export interface StartGroupsAtEndOptions {
  /**
   * Leave a group that already has offsets on a topic as it is (a second instance of a service
   * joining the first one's group); default false: every named group is moved to the end.
   */
  onlyGroupsWithoutOffsets?: boolean;
  /** How long to keep retrying while the broker is still electing its group coordinator (30 s). */
  timeoutMs?: number;
}

/**
 * Commits, for the named consumer groups, the current end offsets of `topics`, so services started
 * with these groups read only what is produced from now on instead of every earlier run's events
 * on the shared broker (minutes of catching up on a long-lived machine). A topic that does not
 * exist yet (a fresh broker) is created with its declared partitions first, so it has an end.
 *
 * On a fresh broker the first group operation may answer "not the correct coordinator" while the
 * offsets topic is being created: such retriable answers are retried until `timeoutMs`.
 */
export async function startGroupsAtTopicsEnd(
  groupIds: string[],
  topics: TopicDefinition[],
  options: StartGroupsAtEndOptions = {},
): Promise<void> {
  const admin = new Kafka({
    clientId: 'test-groups-at-end',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await retryWhileRetriable(() => moveToEnd(admin, groupIds, topics, options), options.timeoutMs ?? 30_000);
  } finally {
    await admin.disconnect();
  }
}

async function moveToEnd(
  admin: Admin,
  groupIds: string[],
  topics: TopicDefinition[],
  options: StartGroupsAtEndOptions,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
    });
  }
  for (const topic of topics) {
    const partitions = (await admin.fetchTopicOffsets(topic.name)).map((p) => ({
      partition: p.partition,
      offset: p.high,
    }));
    for (const groupId of groupIds) {
      if (options.onlyGroupsWithoutOffsets) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic.name] });
        if (committed && committed.partitions.every((p) => Number(p.offset) >= 0)) continue;
      }
      await admin.setOffsets({ groupId, topic: topic.name, partitions });
    }
  }
}

function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retriable?: unknown; message?: unknown; type?: unknown };
  if (e.retriable === true) return true;
  // createTopics racing another creator of the same topic
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return typeof e.message === 'string' && /coordinator|leader/i.test(e.message);
}

async function retryWhileRetriable(fn: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fn();
      return;
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Whether consumer group `groupId` has committed every record of `topic` published so far (a
 * partition it never committed on counts as behind unless it is empty).
 */
export async function groupCaughtUp(groupId: string, topic: TopicDefinition): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'test-group-lag',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const [high, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic.name),
      admin.fetchOffsets({ groupId, topics: [topic.name] }),
    ]);
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return high.every((h) => (done.get(h.partition) ?? -1) >= Number(h.high));
  } finally {
    await admin.disconnect();
  }
}
