import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisConnections, SERVICE_CONFIG } from '@sp/service-kit';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { isAfter, type FailedCursor } from './domain/failed-cursor';
import { queueRefs, type QueueRef } from './domain/queue-refs';

export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'failed',
  'completed',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueOverview extends QueueRef {
  counts: Record<JobState, number>;
  /** Age of the job waiting longest to run (0 when none waits). */
  oldestWaitingSeconds: number;
}

export interface FailedJobView {
  id: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  maxAttempts: number;
  failedAt: string;
  createdAt: string;
  /** The job's data as queued: ids and codes only, by the rule every producer follows. */
  data: unknown;
}

/**
 * Every BullMQ queue of the platform as operators see it: this service's own (QueueNames, each
 * feature adds its queue there) and the other services' listed in OPS_EXTRA_QUEUES (same Redis; no
 * import across services). Read-only handles: nothing here runs jobs.
 */
@Injectable()
export class OpsQueues implements BeforeApplicationShutdown {
  private readonly queues = new Map<string, { ref: QueueRef; queue: Queue }>();

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, redis: RedisConnections) {
    const refs = queueRefs(
      Object.values(QueueNames),
      config.OPS_EXTRA_QUEUES,
      config.QUEUE_PREFIX,
      'notifications',
    );
    for (const ref of refs) {
      this.queues.set(ref.name, {
        ref,
        queue: new Queue(ref.name, { connection: redis.producer, prefix: ref.prefix }),
      });
    }
  }

  all(): Array<{ ref: QueueRef; queue: Queue }> {
    return [...this.queues.values()];
  }

  find(name: string): { ref: QueueRef; queue: Queue } | undefined {
    return this.queues.get(name);
  }

  async overview(name: string): Promise<QueueOverview> {
    const { ref, queue } = this.queues.get(name)!;
    const raw = await queue.getJobCounts(...JOB_STATES);
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, raw[s] ?? 0])) as Record<JobState, number>;
    return { ...ref, counts, oldestWaitingSeconds: await this.oldestWaitingSeconds(queue) };
  }

  /**
   * Jobs are pushed on the left of the wait list and taken from the right, so the oldest waiting
   * job is the rightmost. Its waiting began when it was added, or when its delay (or retry
   * backoff) ended.
   */
  async oldestWaitingSeconds(queue: Queue, now = Date.now()): Promise<number> {
    const client = await queue.client;
    const [id] = await client.lrange(queue.toKey('wait'), -1, -1);
    if (id === undefined) return 0;
    const job = await Job.fromId(queue, id);
    if (!job) return 0;
    const since = job.timestamp + (job.delay ?? 0);
    return Math.max(0, (now - since) / 1000);
  }

  /** Failed jobs, most recent failure first, after the cursor; `next` when there may be more. */
  async failed(
    name: string,
    limit: number,
    after?: FailedCursor,
  ): Promise<{ items: FailedJobView[]; next?: FailedCursor }> {
    const { queue } = this.queues.get(name)!;
    // BullMQ's client type covers a cluster too; ours is the service's single ioredis connection.
    const client = (await queue.client) as unknown as Redis;
    const key = queue.toKey('failed');
    const items: FailedJobView[] = [];
    let last: FailedCursor | undefined;
    const max = after ? String(after.failedAt) : '+inf';
    // Read in slices: entries sharing the cursor's score but not after it are skipped.
    for (let offset = 0; items.length < limit;) {
      const slice = await client.zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', offset, limit);
      for (let i = 0; i < slice.length && items.length < limit; i += 2) {
        const entry = { id: slice[i]!, failedAt: Number(slice[i + 1]) };
        if (after && !isAfter(entry, after)) continue;
        const job = await Job.fromId(queue, entry.id);
        if (job) {
          items.push(failedView(job, entry.failedAt));
          last = entry;
        }
      }
      if (slice.length / 2 < limit) break;
      offset += slice.length / 2;
    }
    return items.length === limit && last ? { items, next: last } : { items };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all().map(({ queue }) => queue.close()));
  }
}

function failedView(job: Job, failedAt: number): FailedJobView {
  return {
    id: job.id ?? '',
    name: job.name,
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    failedAt: new Date(job.finishedOn ?? failedAt).toISOString(),
    createdAt: new Date(job.timestamp).toISOString(),
    data: job.data,
  };
}
