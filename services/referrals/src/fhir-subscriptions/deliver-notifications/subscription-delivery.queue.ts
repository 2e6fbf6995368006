import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import {
  eventJobId,
  handshakeJobId,
  heartbeatSchedulerId,
  type SubscriptionJobData,
} from './subscription-delivery.job';

/** Do not rename without a migration: jobs and heartbeat schedulers waiting under the old name would never run. */
export const FHIR_SUBSCRIPTION_QUEUE_NAME = 'fhir-subscriptions-delivery';

/** Producer side of the subscription delivery queue (enqueue only; the worker sends). */
@Injectable()
export class SubscriptionDeliveryQueue implements BeforeApplicationShutdown {
  readonly queue: Queue<SubscriptionJobData>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisConnections,
  ) {
    this.queue = new Queue<SubscriptionJobData>(FHIR_SUBSCRIPTION_QUEUE_NAME, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
  }

  private retried() {
    return {
      attempts: this.config.FHIR_SUBSCRIPTION_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.FHIR_SUBSCRIPTION_BACKOFF_MS },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async handshake(subscriptionId: string): Promise<void> {
    await this.queue.add(
      'handshake',
      { kind: 'handshake', subscriptionId },
      { ...this.retried(), jobId: handshakeJobId(subscriptionId) },
    );
  }

  async event(data: Extract<SubscriptionJobData, { kind: 'event' }>): Promise<void> {
    await this.queue.add('event', data, { ...this.retried(), jobId: eventJobId(data.eventKey) });
  }

  /** A heartbeat every `seconds` (one attempt each: the next heartbeat is the retry). */
  async startHeartbeat(subscriptionId: string, seconds: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      heartbeatSchedulerId(subscriptionId),
      { every: seconds * 1000 },
      {
        name: 'heartbeat',
        data: { kind: 'heartbeat', subscriptionId },
        opts: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } },
      },
    );
  }

  async stopHeartbeat(subscriptionId: string): Promise<void> {
    await this.queue.removeJobScheduler(heartbeatSchedulerId(subscriptionId));
  }

  async depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
