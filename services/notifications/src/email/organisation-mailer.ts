import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { NotificationStatusRepository } from '../notification-status/notification-status.repository';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { TemplateRegistry } from '../templates/template.registry';
import { ContactAddressResolver } from './contact-address/contact-address.resolver';
import {
  CONTACT_EMAIL_TARGET,
  EMAIL_JOB_NAME,
  emailJobId,
  type EmailJobData,
  type EmailLedgerEntry,
} from './email.job';

export interface OrganisationEmailRequest {
  organisationId: string;
  /** A template name (services/notifications/templates), e.g. 'webhook-endpoint-disabled'. */
  template: string;
  /** Every placeholder of the template's latest version; ids, codes, dates and links only. */
  personalisation: Record<string, string>;
  /** Same key, same email: a second call with it queues nothing. */
  idempotencyKey: string;
  /** The notice the email is about: its status goes in the ledger (channel 'email', target 'contact-email'). */
  noticeId?: string;
  kind?: string;
  referralId?: string;
  critical?: boolean;
  /** Ledger channel (the daily digest records under 'digest'); default 'email'. */
  ledgerChannel?: 'email' | 'digest';
  trace?: { correlationId: string; causationId?: string; traceparent?: string };
}

/**
 * Emails an organisation at its contact address (preference override, else the directory's):
 * checks the template and its personalisation now (a caller's mistake fails the caller, not a job
 * later), then queues one job per idempotency key on `notifications-email`; the email worker sends
 * it with retries. No address: nothing is queued and the ledger says 'suppressed: no-address'.
 */
@Injectable()
export class OrganisationMailer implements BeforeApplicationShutdown {
  readonly queue: Queue<EmailJobData>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisConnections,
    private readonly templates: TemplateRegistry,
    private readonly addresses: ContactAddressResolver,
    private readonly statuses: NotificationStatusRepository,
  ) {
    this.queue = new Queue<EmailJobData>(QueueNames.email, {
      connection: redis.producer,
      prefix: config.QUEUE_PREFIX,
    });
  }

  async sendToOrganisation(input: OrganisationEmailRequest): Promise<'queued' | 'suppressed'> {
    this.templates.render(input.template, input.personalisation); // throws naming what is missing
    const ledger: EmailLedgerEntry | undefined = input.noticeId
      ? {
          noticeId: input.noticeId,
          kind: input.kind ?? input.template,
          ...(input.referralId ? { referralId: input.referralId } : {}),
          channel: input.ledgerChannel ?? 'email',
        }
      : undefined;
    if (!(await this.addresses.addressOf(input.organisationId))) {
      if (ledger) await this.record(input.organisationId, ledger, 'suppressed', 'no-address');
      return 'suppressed';
    }
    await this.queue.add(
      EMAIL_JOB_NAME,
      {
        organisationId: input.organisationId,
        template: input.template,
        version: this.templates.get(input.template).version,
        personalisation: input.personalisation,
        idempotencyKey: input.idempotencyKey,
        ...(ledger ? { ledger } : {}),
        ...(input.trace ? { trace: input.trace } : {}),
      },
      {
        jobId: emailJobId(input.idempotencyKey),
        attempts: this.config.EMAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.config.EMAIL_BACKOFF_MS },
        // Kept a week so a repeated request (a retried delivery job) is still recognised.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: false,
      },
    );
    if (ledger) await this.record(input.organisationId, ledger, 'queued');
    return 'queued';
  }

  /** Records a suppressed email (a preference, the digest) in the ledger without queuing anything. */
  async recordSuppressed(organisationId: string, ledger: EmailLedgerEntry, reason: string): Promise<void> {
    await this.record(organisationId, ledger, 'suppressed', reason);
  }

  async depths(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  private async record(
    organisationId: string,
    ledger: EmailLedgerEntry,
    status: 'queued' | 'suppressed',
    reason?: string,
  ): Promise<void> {
    await this.statuses.record({
      noticeId: ledger.noticeId,
      organisationId,
      ...(ledger.referralId ? { referralId: ledger.referralId } : {}),
      kind: ledger.kind,
      channel: ledger.channel,
      target: CONTACT_EMAIL_TARGET,
      status,
      ...(reason ? { reason } : {}),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
