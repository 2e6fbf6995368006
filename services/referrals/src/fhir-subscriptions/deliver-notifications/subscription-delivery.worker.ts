import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { counter } from '@sp/observability';
import { LeaseSemaphore, type InFlightLimiter } from '@sp/outbound-http';
import { SERVICE_CONFIG, SERVICE_LOGGER, RedisConnections } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { notificationBundle, type NotificationInput } from '../domain/notification-bundle';
import type { StoredSubscription } from '../domain/subscription';
import { FhirSubscriptionRepository } from '../fhir-subscription.repository';
import { RestHookSender } from './rest-hook.sender';
import { FHIR_SUBSCRIPTION_QUEUE_NAME, SubscriptionDeliveryQueue } from './subscription-delivery.queue';
import type { SubscriptionJobData } from './subscription-delivery.job';

const notifications = counter<'type' | 'result'>({
  name: 'sp_fhir_subscription_notifications_total',
  help: 'FHIR subscription notification attempts by type (handshake, heartbeat, event) and result (sent, failed, dropped)',
  labelNames: ['type', 'result'],
});

/**
 * Attempts in flight per subscription across every instance (Redis leases): a hanging endpoint
 * holds at most this many workers.
 */
const MAX_IN_FLIGHT_PER_SUBSCRIPTION = 2;

/**
 * Sends handshakes, heartbeats and event notifications. A failed POST throws, so BullMQ retries
 * it with backoff; every failed attempt counts towards FHIR_SUBSCRIPTION_ERROR_AFTER_FAILURES,
 * after which the subscription goes to status error and its jobs stop. A handshake that fails on
 * its last attempt sets error too. Jobs of a subscription no longer active are dropped.
 */
@Injectable()
export class SubscriptionDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<SubscriptionJobData>;
  /** Leases of the attempts in flight per subscription (replaced by a fake in unit tests). */
  limiter: InFlightLimiter;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly redis: RedisConnections,
    private readonly subscriptions: FhirSubscriptionRepository,
    private readonly queue: SubscriptionDeliveryQueue,
    private readonly sender: RestHookSender,
  ) {
    // A lease outlives the longest attempt a Subscription may ask for; a crashed holder's expires.
    this.limiter = new LeaseSemaphore(
      redis.producer,
      `${config.QUEUE_PREFIX}:fhir-subscriptions:in-flight`,
      MAX_IN_FLIGHT_PER_SUBSCRIPTION,
      config.FHIR_SUBSCRIPTION_MAX_TIMEOUT_SECONDS * 1000 + 30_000,
    );
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<SubscriptionJobData>(
      FHIR_SUBSCRIPTION_QUEUE_NAME,
      (job, token) => this.run(job, token),
      {
        connection: this.redis.worker,
        prefix: this.config.QUEUE_PREFIX,
        concurrency: 10,
      },
    );
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        { jobId: job?.id, kind: job?.data.kind, attemptsMade: job?.attemptsMade, err: error.message },
        'FHIR subscription notification failed',
      ),
    );
    // In the background: start-up does not wait for it.
    void this.reconcile().catch((error: unknown) =>
      this.logger.warn(
        { err: error },
        'FHIR subscription reconciliation failed; it runs again at the next start',
      ),
    );
  }

  /**
   * Restores what Redis should hold for the stored subscriptions (handshakes of requested ones,
   * heartbeat schedulers of active ones): idempotent (job and scheduler ids derive from the
   * subscription), so this only brings back jobs lost with Redis data.
   */
  async reconcile(): Promise<number> {
    let restored = 0;
    for (const sub of await this.subscriptions.live()) {
      if (sub.status === 'requested') await this.queue.handshake(sub._id);
      else if (sub.heartbeatSeconds !== undefined)
        await this.queue.startHeartbeat(sub._id, sub.heartbeatSeconds);
      else continue;
      restored += 1;
    }
    return restored;
  }

  /** At most MAX_IN_FLIGHT_PER_SUBSCRIPTION at once per subscription; others wait a moment (no attempt used). */
  async run(job: Job<SubscriptionJobData>, token?: string): Promise<string> {
    const id = job.data.subscriptionId;
    const holder = `${job.id}:${token ?? ''}`;
    if (!(await this.limiter.acquire(id, holder)) && token !== undefined) {
      await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 400), token);
      throw new DelayedError();
    }
    try {
      const result = await this.process(job);
      notifications.inc({ type: job.data.kind, result });
      return result;
    } catch (err: unknown) {
      notifications.inc({ type: job.data.kind, result: 'failed' });
      throw err;
    } finally {
      await this.limiter.release(id, holder);
    }
  }

  async process(job: Job<SubscriptionJobData>): Promise<string> {
    const data = job.data;
    const sub = await this.subscriptions.findById(data.subscriptionId);
    const wanted = data.kind === 'handshake' ? 'requested' : 'active';
    if (!sub || sub.deletedAt || sub.status !== wanted) {
      if (data.kind === 'heartbeat') await this.queue.stopHeartbeat(data.subscriptionId);
      return 'dropped';
    }
    const now = new Date();
    const bundle = notificationBundle(this.input(sub, data, now));
    const timeoutMs = (sub.timeoutSeconds ?? this.config.FHIR_SUBSCRIPTION_DEFAULT_TIMEOUT_SECONDS) * 1000;
    const result = await this.sender.post(sub.endpoint, sub.headers, bundle, timeoutMs);
    if (result.ok) {
      await this.succeeded(sub, data, now);
      return 'sent';
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const status = await this.subscriptions.recordFailure(
      sub._id,
      result.reason,
      this.config.FHIR_SUBSCRIPTION_ERROR_AFTER_FAILURES,
      now,
      data.kind === 'handshake' && lastAttempt,
    );
    if (status === 'error') {
      await this.queue.stopHeartbeat(sub._id);
      if (data.kind === 'event') await this.subscriptions.markEvent(data.eventKey, 'failed', now);
      throw new UnrecoverableError(`subscription ${sub._id} is now in error: ${result.reason}`);
    }
    if (data.kind === 'event' && lastAttempt)
      await this.subscriptions.markEvent(data.eventKey, 'failed', now);
    throw new Error(result.reason);
  }

  private input(sub: StoredSubscription, data: SubscriptionJobData, now: Date): NotificationInput {
    const common = { base: sub.base, subscriptionId: sub._id, statusId: randomUUID(), now };
    if (data.kind === 'handshake')
      return { ...common, status: 'requested', type: 'handshake', eventsSinceStart: 0 };
    if (data.kind === 'heartbeat')
      return { ...common, status: 'active', type: 'heartbeat', eventsSinceStart: sub.eventCount };
    return {
      ...common,
      status: 'active',
      type: 'event-notification',
      eventsSinceStart: Math.max(sub.eventCount, data.eventNumber),
      event: {
        number: data.eventNumber,
        timestamp: new Date(data.occurredAt),
        taskId: data.referralId,
        created: data.created,
      },
    };
  }

  private async succeeded(sub: StoredSubscription, data: SubscriptionJobData, now: Date): Promise<void> {
    if (data.kind === 'handshake') {
      if ((await this.subscriptions.activate(sub._id, now)) && sub.heartbeatSeconds !== undefined)
        await this.queue.startHeartbeat(sub._id, sub.heartbeatSeconds);
      return;
    }
    await this.subscriptions.recordSuccess(sub._id);
    if (data.kind === 'event') await this.subscriptions.markEvent(data.eventKey, 'sent', now);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
