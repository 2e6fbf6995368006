// Produces records to Kafka. Idempotent producer (the broker drops the duplicates a producer retry
// would create), acks from all in-sync replicas, one request per batch of records.
import {
  fromKafkaRecord,
  toKafkaRecord,
  type ContractRegistry,
  type EventEnvelope,
  type KafkaRecord,
} from '@sp/contracts';
import { createLogger } from '@sp/observability';
import { Partitioners, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka, type KafkaConnection } from './kafka-connection';

/** A record to produce; `KafkaRecord & { topic }` from @sp/contracts fits, and so does a dead letter (nullable key/value). */
export interface PublishRecord {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface EventPublisherOptions {
  logger?: Logger;
  /** Upper bound of one produce call, in bytes of keys, values and headers (the broker rejects record batches over `message.max.bytes`, 1 MiB by default). */
  maxBatchBytes?: number;
}

const DEFAULT_MAX_BATCH_BYTES = 768 * 1024;

function recordSize(r: PublishRecord): number {
  let size = (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
  for (const [name, value] of Object.entries(r.headers)) size += name.length + value.length + 2;
  return size;
}

/** Groups records by topic, preserving their order (kafkajs keeps per-partition order inside a topic's list). */
export function groupByTopic(records: PublishRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let messages = byTopic.get(r.topic);
    if (messages === undefined) {
      messages = [];
      byTopic.set(r.topic, messages);
    }
    messages.push({ key: r.key, value: r.value, headers: r.headers });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** Splits records into consecutive chunks under `maxBytes` (order preserved; a single oversized record gets its own chunk). */
export function chunkBySize(records: PublishRecord[], maxBytes: number): PublishRecord[][] {
  const chunks: PublishRecord[][] = [];
  let current: PublishRecord[] = [];
  let size = 0;
  for (const r of records) {
    const s = recordSize(r);
    if (current.length > 0 && size + s > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class EventPublisher {
  private readonly producer: Producer;
  private readonly logger: Logger;
  private readonly maxBatchBytes: number;
  private connecting: Promise<void> | undefined;

  constructor(conn: KafkaConnection, opts: EventPublisherOptions = {}) {
    this.logger = opts.logger ?? createLogger('messaging');
    this.maxBatchBytes = opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.producer = createKafka(conn, this.logger).producer({
      idempotent: true,
      // kafkajs does not re-sequence in-flight batches after a failure (the Java client does), so
      // with idempotence one request in flight per broker connection is the only safe setting.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as the Java client: a key lands on the same partition whichever
      // client produced it (explicit, which also silences kafkajs' v2 migration warning).
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects once; concurrent and repeated calls share the same connection attempt. */
  connect(): Promise<void> {
    if (this.connecting === undefined) {
      this.connecting = this.producer.connect().catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    }
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    if (this.connecting === undefined) return;
    this.connecting = undefined;
    await this.producer.disconnect();
  }

  /**
   * Produces all records, acknowledged by every in-sync replica, in as few produce requests as the
   * size limit allows (one for any normal batch). Resolves only when the broker has them all.
   */
  async publish(records: PublishRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    for (const chunk of chunkBySize(records, this.maxBatchBytes)) {
      await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(chunk) });
    }
  }

  /** Validates each envelope against its contract (validated on produce), then publishes them to their contracts' topics. */
  async publishEnvelopes(envs: EventEnvelope[], registry: ContractRegistry): Promise<void> {
    await this.publish(envs.map((env) => envelopeToRecord(env, registry)));
  }
}

/** Kafka record of a validated envelope, addressed to its contract's topic. Throws ContractViolationError. */
export function envelopeToRecord(
  env: EventEnvelope,
  registry: ContractRegistry,
): KafkaRecord & { topic: string } {
  const record = toKafkaRecord(env);
  // Round-trip through the consumer-side decoder: the exact checks a consumer will apply.
  fromKafkaRecord(record, registry);
  const contract = registry.get(env.type);
  if (contract === undefined) throw new Error(`unreachable: ${env.type} validated but not registered`);
  return { topic: contract.topic.name, ...record };
}
