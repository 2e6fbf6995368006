import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { counter, createLogger, histogram, traceContext } from '@sp/observability';
import { LeaseSemaphore } from '@sp/outbound-http';
import { RedisConnections, SERVICE_CONFIG } from '@sp/service-kit';
import { QueueNames } from '../../queues/queue-names';
import type { ServiceConfig } from '../../service.config';
import { delayAfter, parseRetrySchedule } from '../domain/retry-schedule';
import { WEBHOOK_BACKOFF_TYPE, type WebhookJobData } from '../webhook.job';
import { DeliverMessageUseCase, type DeliveryResult } from './deliver-message.use-case';

const attempts = counter<'result'>({
  name: 'sp_webhook_attempts_total',
  help: 'Webhook delivery jobs run, by result (delivered, retry, failed, gone, skipped)',
  labelNames: ['result'],
});
const waits = counter({
  name: 'sp_webhook_endpoint_busy_total',
  help: 'Webhook jobs put back because their endpoint already had the maximum attempts in flight',
});
const durations = histogram<'result'>({
  name: 'sp_webhook_attempt_seconds',
  help: 'Duration of webhook delivery jobs',
  labelNames: ['result'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/**
 * Runs webhook jobs (many at once: each mostly waits on a receiver), each endpoint limited to a
 * few in flight: a job whose endpoint is busy goes back to delayed for a moment without using an
 * attempt, so a hanging receiver holds at most that many workers and never delays the others.
 * Retries follow the published schedule (a custom backoff strategy reading it by attempts made).
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<WebhookJobData, DeliveryResult>;
  private readonly logger: Logger;
  private readonly semaphore: LeaseSemaphore;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    private readonly deliver: DeliverMessageUseCase,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'webhook-worker' });
    this.semaphore = new LeaseSemaphore(
      redis.producer,
      `${config.QUEUE_PREFIX}:webhooks:in-flight`,
      config.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT,
      config.WEBHOOK_TIMEOUT_MS + 30_000,
    );
  }

  onApplicationBootstrap(): void {
    const schedule = parseRetrySchedule(this.config.WEBHOOK_RETRY_SCHEDULE_MS);
    this.worker = new Worker<WebhookJobData, DeliveryResult>(
      QueueNames.webhooks,
      (job, token) => this.process(job, token),
      {
        connection: this.redis.worker,
        prefix: this.config.QUEUE_PREFIX,
        concurrency: this.config.WEBHOOK_CONCURRENCY,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            type === WEBHOOK_BACKOFF_TYPE ? (delayAfter(schedule, attemptsMade) ?? -1) : -1,
        },
      },
    );
    this.worker.on('error', (error) => this.logger.warn({ err: error.message }, 'webhook worker error'));
  }

  async process(job: Job<WebhookJobData>, token?: string): Promise<DeliveryResult> {
    return traceContext.run(job.data.trace, async () => {
      const holder = `${job.id}:${token ?? ''}`;
      if (!(await this.semaphore.acquire(job.data.endpointId, holder))) {
        waits.inc();
        // Back to delayed without using an attempt; jitter spreads the busy endpoint's jobs.
        await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 400), token);
        throw new DelayedError();
      }
      const started = performance.now();
      let result: DeliveryResult = 'failed';
      try {
        result = await this.deliver.execute(job.data, {
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
        });
      } finally {
        await this.semaphore.release(job.data.endpointId, holder);
        attempts.inc({ result });
        durations.observe({ result }, (performance.now() - started) / 1000);
      }
      this.logger.info(
        { jobId: job.id, messageId: job.data.messageId, endpointId: job.data.endpointId, result },
        'webhook attempt',
      );
      // Thrown so BullMQ retries it after the schedule's next delay.
      if (result === 'retry') throw new Error('Webhook attempt failed; retrying on the published schedule');
      return result;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
