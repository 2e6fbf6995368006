import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { eventTypeFor } from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { createLogger, traceContext } from '@sp/observability';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { NoticeChannels } from '../dispatch/notice-channels';
import { isCritical, noticeId, type OrganisationNotice } from '../dispatch/organisation-notice';
import { ServiceReplicaRepository } from '../directory-replica/service-replica.repository';
import { NotificationStatusRepository } from '../notification-status/notification-status.repository';
import { ReferralRegisterRepository } from '../referral-register/referral-register.repository';
import { InboxRepository, type DeliveryOutcome } from '../inbox/inbox.repository';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import type { DeliveryJobData } from './delivery.job';

/**
 * Delivers referral notifications to the receiving organisation's inbox. BullMQ delivers jobs at
 * least once (a stalled job is retried), so the effect is an idempotent insert keyed by event id.
 * When the receiving service is not yet in this service's directory replica (directory events
 * may arrive after referral events) the job fails and BullMQ retries it with backoff.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<DeliveryJobData>;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    private readonly replica: ServiceReplicaRepository,
    private readonly inbox: InboxRepository,
    private readonly channels: NoticeChannels,
    private readonly statuses: NotificationStatusRepository,
    private readonly register: ReferralRegisterRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'delivery-worker' });
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<DeliveryJobData>(QueueNames.delivery, (job) => this.process(job), {
      connection: this.redis.worker,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: this.config.DELIVERY_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) =>
      traceContext.run(job?.data.trace ?? { correlationId: 'unknown' }, () =>
        this.logger.warn(
          { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
          'delivery attempt failed',
        ),
      ),
    );
  }

  async process(job: Job<DeliveryJobData>): Promise<DeliveryOutcome> {
    return traceContext.run(job.data.trace, async () => {
      const target = job.data.recipient;
      let referralId = job.data.referralId;
      let recipient: string | undefined;
      if ('rootRequesterOf' in target) {
        const root = await this.register.rootOf(target.rootRequesterOf);
        if (!root) {
          throw new DomainError(
            'NOTIFICATION.RECIPIENT_UNKNOWN',
            `The first referral of ${target.rootRequesterOf}'s chain is not in the referral register yet`,
            { retriable: true },
          );
        }
        // Already told directly (it made this referral, or the change): nothing more to deliver.
        if (target.except.includes(root.requesterOrganisationId)) return 'already-delivered';
        recipient = root.requesterOrganisationId;
        referralId = root.referralId; // the first referrer reads its own referral
      } else {
        recipient =
          'organisationId' in target
            ? target.organisationId
            : await this.replica.organisationOf(target.serviceId);
      }
      if (!recipient) {
        const serviceId = 'serviceId' in target ? target.serviceId : '';
        throw new DomainError(
          'NOTIFICATION.RECIPIENT_UNKNOWN',
          `Service ${serviceId} is not in the directory replica yet`,
          { retriable: true },
        );
      }
      const personSub = 'personSub' in target ? target.personSub : undefined;
      const outcome = await this.inbox.deliver({
        _id: `${job.data.eventId}:${recipient}${personSub ? `:${personSub}` : ''}`,
        recipientOrganisationId: recipient,
        ...(personSub ? { recipientPersonSub: personSub } : {}),
        ...(job.data.detail?.action ? { action: job.data.detail.action } : {}),
        ...(job.data.detail?.reasonCode ? { reasonCode: job.data.detail.reasonCode } : {}),
        kind: job.data.kind,
        referralId,
        occurredAt: job.data.occurredAt,
        deliveredAt: new Date(),
        correlationId: job.data.trace.correlationId,
      });
      this.logger.info({ jobId: job.id, referralId, recipient, outcome }, 'notification delivered');
      // The outward channels take organisation-level notices (a person's handover notice stays in
      // the inbox). A retried job hands the notice over again: every channel is idempotent per notice.
      if (outcome !== 'redacted' && personSub === undefined) {
        const notice = this.noticeOf({ ...job.data, referralId }, recipient);
        await this.statuses.record({
          noticeId: notice.id,
          organisationId: recipient,
          referralId: notice.referralId,
          kind: notice.kind,
          channel: 'inbox',
          target: 'inbox',
          status: 'delivered',
        });
        await this.channels.dispatchAll(notice);
      }
      return outcome;
    });
  }

  private noticeOf(data: DeliveryJobData, organisationId: string): OrganisationNotice {
    const status = data.detail?.status;
    const reasonCode = data.detail?.reasonCode;
    return {
      id: noticeId(data.eventId, organisationId),
      eventId: data.eventId,
      kind: data.kind,
      eventType: data.eventType ?? eventTypeFor(data.kind, 1),
      referralId: data.referralId,
      organisationId,
      ...(status ? { status } : {}),
      ...(reasonCode ? { reasonCode } : {}),
      occurredAt: data.occurredAt,
      critical: isCritical(data.kind, reasonCode),
      trace: data.trace,
    };
  }

  /** Stop taking jobs and let active ones finish before Redis closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
