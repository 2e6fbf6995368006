import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { traceContext } from '@sp/observability';
import { SERVICE_CONFIG, SERVICE_LOGGER, RedisConnections } from '@sp/service-kit';
import { REFERRAL_OPERATIONS } from '../referrals/referral-operations';
import type { ReferralOperationsService } from '../referrals/referral-operations.service';
import { ReferralRepository } from '../referrals/referral.repository';
import type { ServiceConfig } from '../service.config';
import { DEADLINE_QUEUE_NAME, DeadlineQueue } from './deadline.queue';
import type { DeadlineJobData } from './deadline.job';

/**
 * Runs the response-deadline jobs. BullMQ delivers at least once, so each job re-reads the
 * referral and acts only if it is still waiting for an answer (and, for the reminder, has not
 * been reminded): a second run changes nothing.
 */
@Injectable()
export class DeadlineWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<DeadlineJobData>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperationsService,
    private readonly redis: RedisConnections,
    private readonly queue: DeadlineQueue,
    private readonly referrals: ReferralRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<DeadlineJobData>(DEADLINE_QUEUE_NAME, (job) => this.process(job), {
      connection: this.redis.worker,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: 5,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        'deadline job failed',
      ),
    );
    // In the background: start-up does not wait for it.
    void this.reconcile().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'deadline reconciliation failed; it runs again at the next start'),
    );
  }

  /**
   * Re-schedules the deadline jobs of every referral still waiting for an answer. Scheduling is
   * idempotent (job ids derive from the referral), so this only restores jobs that were lost: a
   * referral stored while Redis was failing, or Redis data lost.
   */
  async reconcile(): Promise<number> {
    let scheduled = 0;
    const waiting = this.referrals.referrals.find(
      { status: 'requested' },
      { projection: { _id: 1, remindAt: 1, respondBy: 1, consent: 1 } },
    );
    for await (const referral of waiting) {
      if (referral.consent?.withdrawnAt) continue;
      await this.queue.schedule(referral._id, {
        remindAt: new Date(referral.remindAt),
        respondBy: new Date(referral.respondBy),
      });
      scheduled += 1;
    }
    if (scheduled > 0) this.logger.info({ scheduled }, 'deadline jobs reconciled');
    return scheduled;
  }

  async process(job: Job<DeadlineJobData>): Promise<string> {
    const trace = {
      correlationId: job.data.trace.correlationId,
      causationId: String(job.id),
      ...(job.data.trace.traceparent ? { traceparent: job.data.trace.traceparent } : {}),
    };
    return traceContext.run(trace, async () => {
      const outcome =
        job.data.kind === 'reminder'
          ? await this.operations.remind(job.data.referralId)
          : await this.operations.expire(job.data.referralId);
      this.logger.info(
        { jobId: job.id, referralId: job.data.referralId, kind: job.data.kind, outcome },
        'deadline job done',
      );
      return outcome;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
