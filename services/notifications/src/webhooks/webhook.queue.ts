import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisConnections, SERVICE_CONFIG } from '@sp/service-kit';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { parseRetrySchedule, totalAttempts } from './domain/retry-schedule';
import { WEBHOOK_BACKOFF_TYPE, WEBHOOK_JOB_NAME, webhookJobId, type WebhookJobData } from './webhook.job';

/** Producer side of the webhook queue: one job per message (and per replay). */
@Injectable()
export class WebhookQueue implements BeforeApplicationShutdown {
  readonly queue: Queue<WebhookJobData>;
  private readonly attempts: number;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisConnections,
  ) {
    this.queue = new Queue<WebhookJobData>(QueueNames.webhooks, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
    this.attempts = totalAttempts(parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_MS));
  }

  /** Adds the jobs; a job id already in the queue adds nothing (a redelivered notice). */
  async enqueue(jobs: WebhookJobData[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: WEBHOOK_JOB_NAME,
        data,
        opts: {
          jobId: webhookJobId(data.messageId, data.replay),
          attempts: this.attempts,
          backoff: { type: WEBHOOK_BACKOFF_TYPE },
          // Kept a week so a late redelivery of the same notice is still ignored.
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: this.config.WEBHOOK_RETENTION_DAYS * 24 * 3600 },
        },
      })),
    );
  }

  depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
