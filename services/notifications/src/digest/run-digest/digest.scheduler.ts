import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { QueueNames } from '../../queues/queue-names';
import type { ServiceConfig } from '../../service.config';
import { RunDigestUseCase } from './run-digest.use-case';

export const DIGEST_SCHEDULER_ID = 'daily-digest';
export const DIGEST_JOB_NAME = 'run-daily-digest';

/**
 * The daily digest as a BullMQ job scheduler (DIGEST_CRON, Europe/London) on `notifications-digest`:
 * Redis holds the schedule, so with several instances one job runs per tick. The job runs the
 * digest for every organisation that chose it; its emails are idempotent per organisation and day.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly queue: Queue;
  private worker?: Worker;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    private readonly digest: RunDigestUseCase,
  ) {
    this.queue = new Queue(QueueNames.digest, { connection: redis.producer, prefix: config.QUEUE_PREFIX });
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'digest' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      DIGEST_SCHEDULER_ID,
      { pattern: this.config.DIGEST_CRON, tz: 'Europe/London' },
      { name: DIGEST_JOB_NAME, opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } } },
    );
    this.worker = new Worker(
      QueueNames.digest,
      async (job) => {
        const result = await this.digest.execute(new Date(job.timestamp));
        this.logger.info({ jobId: job.id, ...result }, 'daily digest run');
        return result;
      },
      { connection: this.redis.worker, prefix: this.config.QUEUE_PREFIX, concurrency: 1 },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
