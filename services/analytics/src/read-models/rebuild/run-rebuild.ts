import { contractRegistry, type ContractRegistry } from '@sp/contracts';
import { ensureTopics, type KafkaConnection } from '@sp/messaging';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { FactCollection } from '../domain/fact-updates';
import { FactStore } from '../facts.repository';
import { DEFAULT_REFRESH_MS, GenerationStore } from '../generations.repository';
import { READ_MODEL_TOPIC_DEFINITIONS } from '../read-model.topics';
import { RebuildCoordinator } from './rebuild-coordinator';
import type { RebuildCounts } from './rebuild-consumer';

export interface RunRebuildOptions {
  /** The analytics database (MONGO_URL). */
  connection: Connection;
  kafka: KafkaConnection;
  /** The service's consumer group (KAFKA_GROUP_ID); the rebuild's group is derived from it. */
  serviceGroupId: string;
  logger: Logger;
  registry?: ContractRegistry;
  /** See READ_MODEL_SWITCH_GRACE_MS (default 5 s). */
  graceMs?: number;
  /** How often progress is checked (default 1 s). */
  tickMs?: number;
  /** Give up waiting after this long (default: never). The rebuild itself goes on. */
  timeoutMs?: number;
}

export interface RebuildSummary {
  generation: number;
  previous: number;
  /** False when a rebuild was already running and this call waited for it. */
  started: boolean;
  durationMs: number;
  /** Records this process replayed (other running instances share the partitions). */
  replayed: RebuildCounts;
  /** Projected events per second over the whole run (this process's share). */
  eventsPerSecond: number;
  counts: Record<FactCollection, number>;
  dropped: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a rebuild to completion from a script: starts the next generation (or joins the one
 * already building), replays the topics into it in this process (alongside any running analytics
 * instance, which joins the same group), and returns once reads have switched to it.
 */
export async function runRebuild(opts: RunRebuildOptions): Promise<RebuildSummary> {
  const tickMs = opts.tickMs ?? DEFAULT_REFRESH_MS;
  const generations = new GenerationStore(opts.connection, tickMs);
  const facts = new FactStore(opts.connection);
  await ensureTopics(opts.kafka, READ_MODEL_TOPIC_DEFINITIONS, { logger: opts.logger });
  const began = Date.now();
  const start = await generations.startBuilding(opts.serviceGroupId);
  const generation = start.state.building!;
  const previous = start.state.active;
  await facts.ensureIndexes(generation);
  const coordinator = new RebuildCoordinator({
    generations,
    facts,
    connection: opts.kafka,
    registry: opts.registry ?? contractRegistry,
    topics: READ_MODEL_TOPIC_DEFINITIONS.map((t) => t.name),
    logger: opts.logger,
    graceMs: opts.graceMs ?? 5_000,
  });
  let dropped: number[] = [];
  try {
    for (;;) {
      const { state, activated } = await coordinator.tick();
      if (activated) dropped = activated.dropped;
      if (state.active === generation) break;
      if (state.building !== generation) {
        throw new Error(
          `generation ${generation} is no longer being built (state: ${JSON.stringify(state)})`,
        );
      }
      if (opts.timeoutMs !== undefined && Date.now() - began > opts.timeoutMs) {
        throw new Error(`generation ${generation} not active after ${opts.timeoutMs} ms; still building`);
      }
      await sleep(tickMs);
    }
  } finally {
    await coordinator.close();
  }
  const durationMs = Date.now() - began;
  const replayed = coordinator.counts();
  return {
    generation,
    previous,
    started: start.started,
    durationMs,
    replayed,
    eventsPerSecond: Math.round((replayed.records / Math.max(durationMs, 1)) * 1_000),
    counts: await facts.counts(generation),
    dropped,
  };
}
