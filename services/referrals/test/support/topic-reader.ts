import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { testInfra, uniqueName, waitFor } from '@sp/testing';

/** One record read from a topic: its CloudEvents type, key, raw text (value and headers) and data. */
export interface TopicRecord {
  type: string;
  key: string;
  id: string;
  raw: string;
  data: Record<string, unknown>;
}

/**
 * Reads `topic` from its current end into `seen` (a fresh consumer group that has joined before
 * the spec produces anything). Disconnect the consumer it returns in afterAll.
 */
export async function readTopicFromNow(topic: string, seen: TopicRecord[]): Promise<Consumer> {
  const kafka = new Kafka({
    clientId: uniqueName('topic-reader'),
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName(`reader-${topic}`) });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const raw = message.value?.toString() ?? '';
      const headers = Object.entries(message.headers ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
      const envelope = JSON.parse(raw) as { data?: Record<string, unknown>; id?: string };
      seen.push({
        type: String(message.headers?.['ce_type'] ?? ''),
        key: message.key?.toString() ?? '',
        id: String(message.headers?.['ce_id'] ?? envelope.id ?? ''),
        raw: `${raw}\n${headers}`,
        data: envelope.data ?? (envelope as Record<string, unknown>),
      });
    },
  });
  await waitFor(() => joined, { timeoutMs: 60_000, intervalMs: 100, description: `reader joined ${topic}` });
  return consumer;
}
