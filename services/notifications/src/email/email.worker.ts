import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { counter, createLogger, traceContext } from '@sp/observability';
import { SERVICE_CONFIG, RedisConnections } from '@sp/service-kit';
import { NotificationStatusRepository } from '../notification-status/notification-status.repository';
import { QueueNames } from '../queues/queue-names';
import type { ServiceConfig } from '../service.config';
import { TemplateError } from '../templates/domain/template';
import { TemplateRegistry } from '../templates/template.registry';
import { ContactAddressResolver } from './contact-address/contact-address.resolver';
import { EMAIL_SENDER, PermanentEmailFailure, type EmailSender } from './email-sender';
import { CONTACT_EMAIL_TARGET, type EmailJobData } from './email.job';

export type EmailOutcome = 'sent' | 'no-address';

const sends = counter<'provider' | 'outcome'>({
  name: 'sp_notifications_email_sends_total',
  help: 'Organisation email send attempts, by provider and outcome (sent, retry, failed, no-address)',
  labelNames: ['provider', 'outcome'],
});

/**
 * Sends queued organisation emails: looks the address up now (a changed preference or directory
 * address applies to waiting jobs), renders the template version the job names, sends, and moves
 * the ledger to sent (failed on the last attempt or a permanent refusal). BullMQ runs a job at
 * least once: a crash between the send and the ledger write resends it once, never more.
 */
@Injectable()
export class EmailWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<EmailJobData, EmailOutcome>;
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly redis: RedisConnections,
    @Inject(EMAIL_SENDER) private readonly sender: EmailSender,
    private readonly templates: TemplateRegistry,
    private readonly addresses: ContactAddressResolver,
    private readonly statuses: NotificationStatusRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'email-worker' });
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<EmailJobData, EmailOutcome>(QueueNames.email, (job) => this.process(job), {
      connection: this.redis.worker,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: this.config.EMAIL_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        { jobId: job?.id, template: job?.data.template, attemptsMade: job?.attemptsMade, err: error.message },
        'email attempt failed',
      ),
    );
  }

  async process(job: Job<EmailJobData>): Promise<EmailOutcome> {
    return traceContext.run(job.data.trace ?? { correlationId: job.data.idempotencyKey }, async () => {
      const { data } = job;
      const to = await this.addresses.addressOf(data.organisationId);
      if (!to) {
        await this.record(data, 'suppressed', 'no-address');
        sends.inc({ provider: this.sender.provider, outcome: 'no-address' });
        return 'no-address';
      }
      let providerReference: string;
      try {
        const email = this.templates.render(data.template, data.personalisation, data.version);
        providerReference = await this.sender.send({ to, ...email, reference: data.idempotencyKey });
      } catch (error) {
        const permanent = error instanceof PermanentEmailFailure || error instanceof TemplateError;
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (permanent || lastAttempt) {
          await this.record(data, 'failed', failureReason(error));
          sends.inc({ provider: this.sender.provider, outcome: 'failed' });
          if (permanent) throw new UnrecoverableError(failureReason(error));
        } else {
          sends.inc({ provider: this.sender.provider, outcome: 'retry' });
        }
        throw error;
      }
      await this.record(data, 'sent', undefined, providerReference);
      sends.inc({ provider: this.sender.provider, outcome: 'sent' });
      this.logger.info(
        {
          jobId: job.id,
          organisationId: data.organisationId,
          template: data.template,
          noticeId: data.ledger?.noticeId,
        },
        'organisation email sent',
      );
      return 'sent';
    });
  }

  private async record(
    data: EmailJobData,
    status: 'sent' | 'failed' | 'suppressed',
    reason?: string,
    providerReference?: string,
  ): Promise<void> {
    if (!data.ledger) return;
    await this.statuses.record({
      noticeId: data.ledger.noticeId,
      organisationId: data.organisationId,
      ...(data.ledger.referralId ? { referralId: data.ledger.referralId } : {}),
      kind: data.ledger.kind,
      channel: data.ledger.channel,
      target: CONTACT_EMAIL_TARGET,
      status,
      ...(reason ? { reason } : {}),
      ...(providerReference ? { providerReference } : {}),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}

/** A code, never the relay's text (it may echo the address). */
function failureReason(error: unknown): string {
  if (error instanceof PermanentEmailFailure) return error.reason;
  if (error instanceof TemplateError) return error.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `send-error-${code}` : 'send-error';
}
