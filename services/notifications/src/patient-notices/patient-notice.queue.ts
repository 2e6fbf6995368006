import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { ReferralEventTaps, type TappedReferralEvent } from '../dispatch/referral-event-taps';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { PATIENT_NOTICE_KINDS } from './domain/patient-notice-rules';
import { PATIENT_NOTICE_JOB_NAME, patientNoticeJobId, type PatientNoticeJobData } from './patient-notice.job';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * Producer of patient notifications: taps every referral event and, for a new or accepted
 * referral, adds one job (id from the event id, so a redelivery adds nothing) holding ids only.
 * Off (no tap) when this service has no client secret for the referrals internal API.
 */
@Injectable()
export class PatientNoticeQueue implements OnModuleInit, BeforeApplicationShutdown {
  readonly queue: Queue<PatientNoticeJobData>;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisConnections,
    private readonly taps: ReferralEventTaps,
  ) {
    this.queue = new Queue<PatientNoticeJobData>(QueueNames.patientNotices, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'patient-notices' });
  }

  onModuleInit(): void {
    if (this.config.PATIENT_NOTICES_CLIENT_SECRET.length === 0) {
      this.logger.warn(
        'patient notifications are off: PATIENT_NOTICES_CLIENT_SECRET is not set (no token for the referrals internal API)',
      );
      return;
    }
    this.taps.register((event) => this.onReferralEvent(event));
  }

  async onReferralEvent(event: TappedReferralEvent): Promise<void> {
    if (!PATIENT_NOTICE_KINDS[event.kind]) return;
    const { data } = event;
    const referralId = text(data['referralId']);
    const requesterOrganisationId = text(data['requesterOrganisationId']);
    if (!referralId || !requesterOrganisationId) return;
    const targetServiceId = text(data['targetServiceId']);
    const ownerOrganisationId = text(data['ownerOrganisationId']);
    const job: PatientNoticeJobData = {
      kind: event.kind,
      eventId: event.eventId,
      referralId,
      requesterOrganisationId,
      ...(targetServiceId ? { targetServiceId } : {}),
      ...(ownerOrganisationId ? { ownerOrganisationId } : {}),
      occurredAt: text(data['occurredAt']) ?? new Date().toISOString(),
      trace: event.trace,
    };
    await this.queue.add(PATIENT_NOTICE_JOB_NAME, job, {
      jobId: patientNoticeJobId(event.eventId),
      attempts: this.config.PATIENT_NOTICES_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.PATIENT_NOTICES_BACKOFF_MS },
      // Kept a week so a late redelivery of the event is still recognised.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    });
  }

  async depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
