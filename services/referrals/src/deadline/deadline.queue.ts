import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { traceContext } from '@sp/observability';
import { GroupCommit } from '@sp/persistence';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import { DEADLINE_JOB_KINDS, deadlineJobId, type DeadlineJobData } from './deadline.job';

/** Do not rename without a migration: delayed jobs waiting under the old name would never run. */
export const DEADLINE_QUEUE_NAME = 'referrals-deadline';

type DeadlineJobSpec = Parameters<Queue<DeadlineJobData>['addBulk']>[0][number];

/** Producer side of the response-deadline queue. */
@Injectable()
export class DeadlineQueue implements BeforeApplicationShutdown {
  readonly queue: Queue<DeadlineJobData>;
  /**
   * Jobs scheduled by concurrent requests go to Redis in one `addBulk` (group commit: each caller
   * still waits until its own jobs are added), instead of one round trip per referral.
   */
  private readonly adds: GroupCommit<DeadlineJobSpec>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, redis: RedisConnections) {
    this.queue = new Queue<DeadlineJobData>(DEADLINE_QUEUE_NAME, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
    this.adds = new GroupCommit<DeadlineJobSpec>(async (requests) => {
      await this.queue.addBulk(requests.flat());
      return requests.map(() => undefined);
    });
  }

  /** Schedules the reminder and the expiry (a second call for the same referral adds nothing). */
  async schedule(
    referralId: string,
    times: { remindAt: Date; respondBy: Date },
    now = new Date(),
  ): Promise<void> {
    const ctx = traceContext.current();
    const trace = {
      correlationId: ctx?.correlationId ?? referralId,
      ...(ctx?.causationId ? { causationId: ctx.causationId } : {}),
      ...(ctx?.traceparent ? { traceparent: ctx.traceparent } : {}),
    };
    const opts = {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    };
    await this.adds.submit([
      {
        name: 'reminder',
        data: { kind: 'reminder', referralId, trace },
        opts: {
          ...opts,
          jobId: deadlineJobId('reminder', referralId),
          delay: Math.max(0, times.remindAt.getTime() - now.getTime()),
        },
      },
      {
        name: 'expiry',
        data: { kind: 'expiry', referralId, trace },
        opts: {
          ...opts,
          jobId: deadlineJobId('expiry', referralId),
          delay: Math.max(0, times.respondBy.getTime() - now.getTime()),
        },
      },
    ]);
  }

  /**
   * The referral was answered: drop its waiting jobs. Best effort: a job already running (or one
   * that cannot be removed) re-checks the referral's status and does nothing.
   */
  async cancel(referralId: string): Promise<void> {
    await Promise.allSettled(
      DEADLINE_JOB_KINDS.map((kind) => this.queue.remove(deadlineJobId(kind, referralId))),
    );
  }

  async depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
