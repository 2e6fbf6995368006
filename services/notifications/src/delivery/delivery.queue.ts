import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { GroupCommit } from '@sp/persistence';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import { QueueNames } from '../queues/queue-names';
import { DELIVERY_JOB_NAME, deliveryJobId, type DeliveryJobData } from './delivery.job';

type DeliveryJobSpec = Parameters<Queue<DeliveryJobData>['addBulk']>[0][number];

/** Producer side of the delivery queue. */
@Injectable()
export class DeliveryQueue implements BeforeApplicationShutdown {
  readonly queue: Queue<DeliveryJobData>;
  /**
   * Jobs of events handled at the same time (one per partition being consumed) go to Redis in one
   * `addBulk` (group commit: each caller still waits until its own jobs are added), instead of one
   * round trip per job.
   */
  private readonly adds: GroupCommit<DeliveryJobSpec>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisConnections,
  ) {
    this.queue = new Queue<DeliveryJobData>(QueueNames.delivery, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
    this.adds = new GroupCommit<DeliveryJobSpec>(async (requests) => {
      await this.queue.addBulk(requests.flat());
      return requests.map(() => undefined);
    });
  }

  /** Adds one job per notification (a job id already in the queue adds nothing). */
  async enqueue(deliveries: DeliveryJobData[]): Promise<void> {
    await this.adds.submit(
      deliveries.map((data) => ({
        name: DELIVERY_JOB_NAME,
        data,
        opts: {
          jobId: deliveryJobId(data.eventId, data.recipient),
          attempts: this.config.DELIVERY_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.config.DELIVERY_BACKOFF_MS },
          // Completed jobs are kept a week so a late redelivery of the same event is still ignored.
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: false,
        },
      })),
    );
  }

  async depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  /** Before the Redis connections close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
