import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isDomainError } from '@sp/errors';
import { createLogger, traceContext } from '@sp/observability';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { NotificationStatusRepository } from '../notification-status/notification-status.repository';
import { NotifyClient } from '../notify/notify-client';
import { NotificationPreferencesRepository } from '../preferences/notification-preferences.repository';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { decidePatientNotice } from './domain/patient-notice-rules';
import { quietHoursEnd } from './domain/quiet-hours';
import { DirectoryNamesClient } from './directory-names.client';
import { PatientContactClient } from './patient-contact.client';
import { patientNoticeId, type PatientNoticeJobData } from './patient-notice.job';

export type PatientNoticeOutcome = 'sent' | 'suppressed' | 'delayed' | 'failed';

/**
 * Sends patient notifications through GOV.UK Notify. For each job it reads the patient's contact
 * details from the referrals service (so a withdrawal or "do not contact" recorded after the event
 * still wins), decides (domain/patient-notice-rules.ts), holds a text message until the referrer's
 * quiet hours end, and records the outcome in the status ledger (channel sms or email, target
 * 'patient', Notify's id as provider reference). The number or address stays in this function.
 * A crash between Notify's answer and the record resends at most once (the job's retry).
 */
@Injectable()
export class PatientNoticeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<PatientNoticeJobData>;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    private readonly contacts: PatientContactClient,
    private readonly names: DirectoryNamesClient,
    private readonly notify: NotifyClient,
    private readonly statuses: NotificationStatusRepository,
    private readonly preferences: NotificationPreferencesRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'patient-notices' });
  }

  onApplicationBootstrap(): void {
    if (!this.contacts.enabled) return;
    this.worker = new Worker<PatientNoticeJobData>(
      QueueNames.patientNotices,
      (job, token) => this.process(job, token),
      { connection: this.redis.worker, prefix: this.config.QUEUE_PREFIX, concurrency: 10 },
    );
    this.worker.on('failed', (job, error) =>
      traceContext.run(job?.data.trace ?? { correlationId: 'unknown' }, () =>
        this.logger.warn(
          {
            jobId: job?.id,
            referralId: job?.data.referralId,
            attemptsMade: job?.attemptsMade,
            err: error.message,
          },
          'patient notification attempt failed',
        ),
      ),
    );
  }

  async process(
    job: Job<PatientNoticeJobData>,
    token?: string,
    now = new Date(),
  ): Promise<PatientNoticeOutcome> {
    return traceContext.run(job.data.trace, async () => {
      const d = job.data;
      const base = {
        noticeId: patientNoticeId(d.eventId),
        organisationId: d.requesterOrganisationId,
        referralId: d.referralId,
        kind: d.kind,
        target: 'patient',
      };
      // The channel a failure is recorded on: the one decided, else sms (the patient channel's default).
      let channel: 'sms' | 'email' = 'sms';
      try {
        const contact = await this.contacts.read(d.referralId);
        const decision = contact
          ? decidePatientNotice(d.kind, contact)
          : ({ action: 'suppress', reason: 'referral-not-found' } as const);
        if (!decision) return 'suppressed';
        if (decision.action === 'suppress') {
          await this.statuses.record({
            ...base,
            channel: 'sms',
            status: 'suppressed',
            reason: decision.reason,
          });
          this.logger.info(
            { referralId: d.referralId, reason: decision.reason },
            'patient notification suppressed',
          );
          return 'suppressed';
        }
        channel = decision.channel;
        if (decision.channel === 'sms') {
          const prefs = await this.preferences.forOrganisation(d.requesterOrganisationId);
          const until = quietHoursEnd(now, prefs.patientSms.quietHours);
          if (until && token) {
            await this.statuses.record({
              ...base,
              channel: 'sms',
              status: 'queued',
              reason: `quiet-hours until ${until.toISOString()}`,
            });
            await job.moveToDelayed(until.getTime(), token);
            throw new DelayedError();
          }
        }
        const personalisation = await this.personalisation(d);
        const reference = base.noticeId;
        const templateId = this.notify.templateId(decision.template);
        const providerReference =
          decision.channel === 'sms'
            ? await this.notify.sendSms({
                templateId,
                phoneNumber: contact!.phone!,
                personalisation,
                reference,
              })
            : await this.notify.sendEmail({
                templateId,
                emailAddress: contact!.email!,
                personalisation,
                reference,
              });
        await this.statuses.record({ ...base, channel: decision.channel, status: 'sent', providerReference });
        this.logger.info(
          { referralId: d.referralId, channel: decision.channel, providerReference },
          'patient notification sent',
        );
        return 'sent';
      } catch (error) {
        if (error instanceof DelayedError) throw error;
        const retriable = !isDomainError(error) || error.retriable;
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (!retriable || lastAttempt) {
          const reason = isDomainError(error) ? error.code : 'error';
          await this.statuses.record({ ...base, channel, status: 'failed', reason });
          if (!retriable) throw new UnrecoverableError(`${reason}: ${(error as Error).message}`);
        }
        throw error;
      }
    });
  }

  /** Names only (public directory facts), never anything about the patient or the referral's content. */
  private async personalisation(d: PatientNoticeJobData): Promise<Record<string, string>> {
    const serviceName = (await this.names.serviceName(d.targetServiceId)) ?? 'a local support service';
    if (d.kind === 'referral.accepted') {
      const owner = (await this.names.organisationName(d.ownerOrganisationId)) ?? 'the service';
      return { service_name: serviceName, contact_organisation_name: owner };
    }
    const requester = (await this.names.organisationName(d.requesterOrganisationId)) ?? 'Your GP practice';
    return { organisation_name: requester, service_name: serviceName };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
