import { fromKafkaRecord, type ContractRegistry, type EventEnvelope } from '@sp/contracts';
import { createKafka, type KafkaConnection } from '@sp/messaging';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { factUpdatesFor, isProjected, mergeFactUpdates, type FactUpdate } from '../domain/fact-updates';
import type { FactStore } from '../facts.repository';

export interface RebuildConsumerOptions {
  connection: KafkaConnection;
  groupId: string;
  generation: number;
  topics: string[];
  registry: ContractRegistry;
  facts: Pick<FactStore, 'apply'>;
  logger: Logger;
  /** Partitions replayed in parallel (default: 6, the lifecycle topic's count). */
  partitionsConsumedConcurrently?: number;
}

export interface RebuildCounts {
  /** Records read from the topics. */
  records: number;
  /** Events of a projected type, applied to the generation. */
  applied: number;
  /** Records of a type the read models ignore. */
  ignored: number;
  /** Records that break their contract (the live group dead-lettered them; skipped here). */
  invalid: number;
}

/** Messages applied per bulk write (and between heartbeats) within one fetched batch. */
const CHUNK = 1_000;

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}

/**
 * Replays the topics from their first offset into one generation of the read models, in its own
 * consumer group (every running instance joins it, so the partitions are shared). Records are
 * decoded and validated exactly as the live transport does (`fromKafkaRecord` with the contract
 * registry); a batch's updates are merged (one write per document and guarded field) and go to
 * the database in bulk, since they commute and order does not matter. Offsets are committed only after their updates are written: a crash replays at most
 * the uncommitted part, harmlessly.
 */
export class RebuildConsumer {
  readonly counts: RebuildCounts = { records: 0, applied: 0, ignored: 0, invalid: 0 };
  private consumer: Consumer | undefined;
  private failed = false;

  constructor(private readonly opts: RebuildConsumerOptions) {}

  get generation(): number {
    return this.opts.generation;
  }

  /** True once kafkajs gave up on this consumer (a new one must be started). */
  get crashed(): boolean {
    return this.failed;
  }

  async start(): Promise<void> {
    const log = this.opts.logger;
    const consumer = createKafka(this.opts.connection, log).consumer({
      groupId: this.opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.failed = true;
      log.error({ err: payload.error, groupId: this.opts.groupId }, 'read model rebuild consumer stopped');
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 6,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    log.info(
      { groupId: this.opts.groupId, generation: this.opts.generation, topics: this.opts.topics },
      'read model rebuild consumer running',
    );
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let i = 0; i < batch.messages.length; i += CHUNK) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(i, i + CHUNK);
      const updates = chunk.flatMap((m) => this.updatesOf(batch.topic, batch.partition, m));
      await this.opts.facts.apply([this.opts.generation], mergeFactUpdates(updates));
      payload.resolveOffset(chunk[chunk.length - 1]!.offset);
      await payload.heartbeat();
      await payload.commitOffsetsIfNecessary();
    }
    // Past any control records at the end of the batch too, so the committed offset reaches the end.
    if (payload.isRunning() && !payload.isStale()) payload.resolveOffset(batch.lastOffset());
  }

  private updatesOf(topic: string, partition: number, message: KafkaMessage): FactUpdate[] {
    this.counts.records += 1;
    const type = headerText(message.headers, 'ce_type');
    if (type === undefined || !isProjected(type)) {
      if (type === undefined) this.invalid(topic, partition, message, new Error('no ce_type header'));
      else this.counts.ignored += 1;
      return [];
    }
    let envelope: EventEnvelope;
    try {
      envelope = fromKafkaRecord(
        { key: message.key, value: message.value, headers: message.headers },
        this.opts.registry,
      );
    } catch (error) {
      this.invalid(topic, partition, message, error);
      return [];
    }
    this.counts.applied += 1;
    return factUpdatesFor({ id: envelope.id, type: envelope.type, data: envelope.data });
  }

  private invalid(topic: string, partition: number, message: KafkaMessage, error: unknown): void {
    this.counts.invalid += 1;
    this.opts.logger.warn(
      { topic, partition, offset: message.offset, err: error },
      'rebuild skipped a record that breaks its contract',
    );
  }
}
