import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { NoticeChannels, type NoticeChannel } from '../dispatch/notice-channels';
import type { OrganisationNotice } from '../dispatch/organisation-notice';
import { NotificationPreferencesRepository } from '../preferences/notification-preferences.repository';
import type { ServiceConfig } from '../service.config';
import { TemplateRegistry } from '../templates/template.registry';
import { decideEmail } from './domain/email-decision';
import { noticePersonalisation } from './domain/notice-personalisation';
import { OrganisationMailer } from './organisation-mailer';

/**
 * The email channel: for each organisation notice, the organisation's preferences decide (see
 * domain/email-decision.ts) whether an email is queued to its contact address, or suppressed with
 * the reason in the ledger. Idempotent: the email's key is the notice id.
 */
@Injectable()
export class EmailNoticeChannel implements NoticeChannel, OnModuleInit {
  readonly name = 'email';
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly channels: NoticeChannels,
    private readonly preferences: NotificationPreferencesRepository,
    private readonly mailer: OrganisationMailer,
    private readonly templates: TemplateRegistry,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'email-channel' });
  }

  onModuleInit(): void {
    this.channels.register(this);
  }

  async dispatch(notice: OrganisationNotice): Promise<void> {
    const decision = decideEmail(notice, await this.preferences.forOrganisation(notice.organisationId));
    const ledger = {
      noticeId: notice.id,
      kind: notice.kind,
      referralId: notice.referralId,
      channel: 'email' as const,
    };
    if (decision.action === 'ignore') return;
    if (decision.action === 'suppress') {
      await this.mailer.recordSuppressed(notice.organisationId, ledger, decision.reason);
      return;
    }
    if (!this.templates.has(decision.template)) {
      this.logger.warn({ kind: notice.kind, noticeId: notice.id }, 'no email template for this notice kind');
      return;
    }
    await this.mailer.sendToOrganisation({
      organisationId: notice.organisationId,
      template: decision.template,
      personalisation: noticePersonalisation(notice, this.config.PORTAL_BASE_URL),
      idempotencyKey: `email:${notice.id}`,
      noticeId: notice.id,
      kind: notice.kind,
      referralId: notice.referralId,
      critical: notice.critical,
      trace: notice.trace,
    });
  }
}
