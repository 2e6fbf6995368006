// Reads everything a topic holds right now (every partition, low to high watermark), to assert on
// what the broker really has rather than on what a consumer made of it.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeHeaders } from '../../src/kafka-headers';

export interface StoredRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export async function readTopic(
  brokers: string[],
  topic: string,
  timeoutMs = 30_000,
): Promise<StoredRecord[]> {
  const kafka = new Kafka({ clientId: 'test-topic-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const pending = new Map(
    offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]),
  );
  if (pending.size === 0) return [];
  const records: StoredRecord[] = [];
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const high = pending.get(batch.partition);
            if (high === undefined) return;
            for (const m of batch.messages) {
              if (Number(m.offset) >= high) break;
              records.push({
                partition: batch.partition,
                offset: m.offset,
                key: m.key?.toString('utf8') ?? null,
                value: m.value?.toString('utf8') ?? null,
                headers: decodeHeaders(m.headers),
              });
            }
            if (Number(batch.lastOffset()) >= high - 1) pending.delete(batch.partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
