// Topics are created explicitly (the broker has auto-creation off): each platform topic and its
// dead-letter twin, with the partition count the contract declares. Safe to call from every
// service at every start: existing topics keep their partitions; a topic whose definition
// declares config (e.g. retention.ms) gets it added to its own config when it differs.
import { deadLetterTopicName, type TopicDefinition } from '@sp/contracts';
import { createLogger } from '@sp/observability';
import { ConfigResourceTypes, ConfigSource, type Admin, type ITopicMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka, type KafkaConnection } from './kafka-connection';

export interface EnsureTopicsOptions {
  logger?: Logger;
  /** How long to wait for every partition to have a leader. */
  timeoutMs?: number;
}

export interface ConfigEntry {
  name: string;
  value: string;
}

export interface TopicToEnsure {
  topic: string;
  numPartitions: number;
  /** The definition's config (the main topic only; a .dlq twin keeps the broker's defaults). */
  configEntries?: ConfigEntry[];
}

/** The topics to create: each definition plus its `.dlq` twin with the same partition count. */
export function topicsWithDeadLetters(topics: TopicDefinition[]): TopicToEnsure[] {
  const wanted = new Map<string, TopicToEnsure>();
  for (const t of topics) {
    const configEntries = Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value }));
    wanted.set(t.name, {
      topic: t.name,
      numPartitions: t.partitions,
      ...(configEntries.length > 0 ? { configEntries } : {}),
    });
    const dlq = deadLetterTopicName(t.name);
    if (!wanted.has(dlq)) wanted.set(dlq, { topic: dlq, numPartitions: t.partitions });
  }
  return [...wanted.values()];
}

/** One entry of a topic's described config, as kafkajs' describeConfigs returns it. */
export interface DescribedConfigEntry {
  configName: string;
  configValue: string | null;
  configSource: ConfigSource;
}

/**
 * The complete topic-level config to write so an existing topic has `wanted`, or null when it
 * already has every wanted value. AlterConfigs (kafkajs 2.2.4 has no incrementalAlterConfigs)
 * REPLACES a topic's whole topic-level config, so the entries already set on the topic
 * (source TOPIC_CONFIG) are kept and only the wanted ones are added or changed.
 */
export function topicConfigUpdate(
  current: DescribedConfigEntry[],
  wanted: ConfigEntry[],
): ConfigEntry[] | null {
  const own = new Map(
    current
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && e.configValue !== null)
      .map((e) => [e.configName, e.configValue as string]),
  );
  if (wanted.every((w) => own.get(w.name) === w.value)) return null;
  for (const w of wanted) own.set(w.name, w.value);
  return [...own].map(([name, value]) => ({ name, value }));
}

/** Adds each existing topic's declared config where the topic lacks it (existing deployments). */
async function alignTopicConfig(admin: Admin, topics: TopicToEnsure[], logger: Logger): Promise<void> {
  for (const t of topics) {
    if (!t.configEntries) continue;
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t.topic }],
      includeSynonyms: false,
    });
    const entries = described.resources[0]?.configEntries ?? [];
    const update = topicConfigUpdate(entries, t.configEntries);
    if (update === null) continue;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: update }],
    });
    logger.info({ topic: t.topic, config: t.configEntries }, 'updated Kafka topic config');
  }
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
    await alignTopicConfig(
      admin,
      wanted.filter((t) => existing.has(t.topic)),
      logger,
    );
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
