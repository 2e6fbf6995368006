import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { createKafka } from '@sp/messaging';
import { createLogger, traceContext } from '@sp/observability';
import { RedisConnections, SERVICE_CONFIG } from '@sp/service-kit';
import { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import { QueueNames } from '../../queues/queue-names';
import type { ServiceConfig } from '../../service.config';
import { partnerEventFor } from '../domain/partner-event';
import { PartnerStreamRepository } from '../partner-stream.repository';
import type { PartnerStreamJobData } from './partner-stream.job';

export type PartnerStreamOutcome = 'delivered' | 'suppressed';

/**
 * Produces each notice to its organisation's partner topic as a CloudEvent (Kafka protocol
 * binding, structured mode: `application/cloudevents+json`, key = referral id so one referral's
 * events stay in order). The producer is idempotent, but a job retried after a send whose answer
 * was lost sends again: the CloudEvent id (the notice id) is what consumers dedupe on.
 */
@Injectable()
export class PartnerStreamWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<PartnerStreamJobData>;
  private producer?: Promise<Producer>;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    private readonly streams: PartnerStreamRepository,
    private readonly statuses: NotificationStatusRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({
      component: 'partner-stream-worker',
    });
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<PartnerStreamJobData>(QueueNames.partnerStream, (job) => this.process(job), {
      connection: this.redis.worker,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: 20,
    });
    this.worker.on('failed', (job, error) => {
      this.logger.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, topic: job?.data.topic, err: error.message },
        'partner stream produce failed',
      );
      // The last attempt: the ledger says so (a technical reason, never patient data).
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const { notice, topic } = job.data;
        void this.statuses
          .record({
            noticeId: notice.id,
            organisationId: notice.organisationId,
            referralId: notice.referralId,
            kind: notice.kind,
            channel: 'partner-stream',
            target: topic,
            status: 'failed',
            reason: error.message.slice(0, 200),
          })
          .catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'could not record the failure'));
      }
    });
  }

  async process(job: Job<PartnerStreamJobData>): Promise<PartnerStreamOutcome> {
    const { notice, topic } = job.data;
    return traceContext.run(notice.trace, async () => {
      const ledger = {
        noticeId: notice.id,
        organisationId: notice.organisationId,
        referralId: notice.referralId,
        kind: notice.kind,
        channel: 'partner-stream' as const,
        target: topic,
      };
      // Revoked (or re-issued on another topic) since the notice was queued: not produced.
      const stream = await this.streams.findActive(notice.organisationId);
      if (!stream || stream.topic !== topic) {
        await this.statuses.record({ ...ledger, status: 'suppressed', reason: 'stream-revoked' });
        return 'suppressed';
      }
      const event = new CloudEvent(partnerEventFor(notice));
      const message = CloudEventsKafka.structured(event);
      const producer = await this.connectedProducer();
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: notice.referralId,
            value: String(message.value),
            headers: stringHeaders(message.headers),
            ...(message.timestamp ? { timestamp: message.timestamp } : {}),
          },
        ],
      });
      // Acknowledged by every in-sync replica: it is in the organisation's stream (what the
      // partner has read is its own business: its groups' offsets).
      await this.statuses.record({ ...ledger, status: 'delivered' });
      return 'delivered';
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    if (this.producer) await (await this.producer.catch(() => undefined))?.disconnect();
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = createKafka(
        { brokers: parseBrokers(this.config.KAFKA_BROKERS), clientId: 'notifications-partner-stream' },
        this.logger,
      ).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}
