import type { ContractRegistry } from '@sp/contracts';
import { createKafka, type KafkaConnection } from '@sp/messaging';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import {
  generationsToDrop,
  mayActivate,
  type GenerationState,
  type PartitionProgress,
} from '../domain/generations';
import type { FactStore } from '../facts.repository';
import type { GenerationStore } from '../generations.repository';
import { RebuildConsumer, type RebuildCounts } from './rebuild-consumer';

export interface RebuildCoordinatorOptions {
  generations: GenerationStore;
  facts: FactStore;
  connection: KafkaConnection;
  registry: ContractRegistry;
  /** The topics replayed (the lifecycle and directory topics). */
  topics: string[];
  logger: Logger;
  /** How long a generation must have been building before it may become active. */
  graceMs: number;
}

export interface TickResult {
  state: GenerationState;
  /** Set when this tick made the building generation active. */
  activated?: { generation: number; previous: number; dropped: number[] };
}

/** A rebuild group's committed offsets against the high watermarks of the replayed topics, read now. */
export async function rebuildProgress(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<PartitionProgress[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const progress: PartitionProgress[] = [];
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const done = new Map(
      (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
        p.partition,
        Number(p.offset),
      ]),
    );
    for (const o of offsets) {
      progress.push({
        topic,
        partition: o.partition,
        committed: done.get(o.partition) ?? -1,
        low: Number(o.low),
        high: Number(o.high),
      });
    }
  }
  return progress;
}

/**
 * What every analytics instance (and the rebuild CLI) does about rebuilds, once per tick: while a
 * generation is building, run a replay consumer for it (joining the rebuild's group); when the
 * group has replayed everything up to watermarks read now and the grace period has passed, make
 * the generation active (one conditional update: one instance wins), stop replaying, and drop the
 * generations before the previous one.
 */
export class RebuildCoordinator {
  private consumer: RebuildConsumer | undefined;
  private admin: Admin | undefined;
  private readonly finished: RebuildCounts = { records: 0, applied: 0, ignored: 0, invalid: 0 };

  constructor(private readonly opts: RebuildCoordinatorOptions) {}

  /** What this process's replay consumers have read so far (all generations, this process only). */
  counts(): RebuildCounts {
    const live = this.consumer?.counts;
    const sum = { ...this.finished };
    if (live) for (const k of Object.keys(sum) as Array<keyof RebuildCounts>) sum[k] += live[k];
    return sum;
  }

  async tick(now = new Date()): Promise<TickResult> {
    const state = await this.opts.generations.refresh();
    const building = state.building;
    if (building === undefined || state.rebuildGroupId === undefined) {
      await this.stopConsumer();
      return { state };
    }
    if (this.consumer?.generation !== building || this.consumer.crashed) {
      await this.stopConsumer();
      await this.opts.facts.ensureIndexes(building);
      const consumer = new RebuildConsumer({
        connection: this.opts.connection,
        groupId: state.rebuildGroupId,
        generation: building,
        topics: this.opts.topics,
        registry: this.opts.registry,
        facts: this.opts.facts,
        logger: this.opts.logger,
      });
      this.consumer = consumer;
      await consumer.start();
    }
    const progress = await this.progress(state.rebuildGroupId);
    if (!mayActivate(state, progress, now, this.opts.graceMs)) return { state };

    const activated = await this.opts.generations.activate(building, now);
    if (activated === null) return { state: await this.opts.generations.refresh() };
    await this.stopConsumer();
    const dropped = generationsToDrop(await this.opts.facts.existingGenerations(), activated);
    for (const generation of dropped) await this.opts.facts.drop(generation);
    await this.opts.generations.recordDropped(dropped, now);
    this.opts.logger.info(
      { generation: building, previous: state.active, dropped },
      'read model generation rebuilt and activated',
    );
    return { state: activated, activated: { generation: building, previous: state.active, dropped } };
  }

  /** Progress of a rebuild group (a Kafka admin round trip). */
  async progress(groupId: string): Promise<PartitionProgress[]> {
    if (this.admin === undefined) {
      const admin = createKafka(this.opts.connection, this.opts.logger).admin();
      await admin.connect();
      this.admin = admin;
    }
    return rebuildProgress(this.admin, groupId, this.opts.topics);
  }

  async close(): Promise<void> {
    await this.stopConsumer();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.consumer = undefined;
    for (const k of Object.keys(this.finished) as Array<keyof RebuildCounts>)
      this.finished[k] += consumer.counts[k];
    await consumer.stop();
  }
}
