import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisConnections, SERVICE_CONFIG } from '@sp/service-kit';
import { QueueNames } from '../../queues/queue-names';
import type { ServiceConfig } from '../../service.config';
import { PARTNER_STREAM_JOB_NAME, partnerStreamJobId, type PartnerStreamJobData } from './partner-stream.job';

/** Producer side of the partner-stream queue: one job per notice for an organisation with a stream. */
@Injectable()
export class PartnerStreamQueue implements BeforeApplicationShutdown {
  readonly queue: Queue<PartnerStreamJobData>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, redis: RedisConnections) {
    this.queue = new Queue<PartnerStreamJobData>(QueueNames.partnerStream, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
  }

  /**
   * A job id already in the queue adds nothing (a redelivered notice): answers false then, so the
   * caller does not report a delivered notice as queued again.
   */
  async enqueue(data: PartnerStreamJobData): Promise<boolean> {
    const jobId = partnerStreamJobId(data.notice.id);
    if (await this.queue.getJob(jobId)) return false;
    await this.queue.add(PARTNER_STREAM_JOB_NAME, data, {
      jobId,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      // Kept a week so a late redelivery of the same notice is still ignored.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    });
    return true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
