import type { Provider, Type } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { NotifyClient } from '../notify/notify-client';
import type { ServiceConfig } from '../service.config';
import { DigestReferralsRepository } from '../digest/digest-referrals.repository';
import { DigestFeed } from '../digest/digest.feed';
import { DigestScheduler } from '../digest/run-digest/digest.scheduler';
import { RunDigestController } from '../digest/run-digest/run-digest.controller';
import { RunDigestUseCase } from '../digest/run-digest/run-digest.use-case';
import { NotificationPreferencesController } from '../preferences/notification-preferences.controller';
import { NotificationPreferencesRepository } from '../preferences/notification-preferences.repository';
import { NotificationTemplatesController } from '../templates/notification-templates.controller';
import { TemplateRegistry } from '../templates/template.registry';
import { ContactAddressResolver } from './contact-address/contact-address.resolver';
import { OrganisationContactEventsConsumer } from './contact-address/organisation-contact-events.consumer';
import { OrganisationContactsRepository } from './contact-address/organisation-contacts.repository';
import { EMAIL_SENDER, type EmailSender } from './email-sender';
import { EmailNoticeChannel } from './email-notice.channel';
import { EmailWorker } from './email.worker';
import { NotifyEmailSender } from './notify-email-sender';
import { OrganisationMailer } from './organisation-mailer';
import { SmtpEmailSender } from './smtp-email-sender';

/** SMTP (nodemailer) or GOV.UK Notify, by EMAIL_PROVIDER. */
const emailSenderProvider: Provider = {
  provide: EMAIL_SENDER,
  inject: [SERVICE_CONFIG, NotifyClient],
  useFactory: (config: ServiceConfig, notify: NotifyClient): EmailSender =>
    config.EMAIL_PROVIDER === 'notify'
      ? new NotifyEmailSender(notify)
      : new SmtpEmailSender(config.SMTP_URL, config.SMTP_FROM, config.EMAIL_SEND_TIMEOUT_MS),
};

/**
 * Organisation email: preferences, templates, contact addresses, the mailer and its queue worker,
 * the email notice channel, the daily digest (its read model, schedule and ops trigger).
 */
export const EMAIL_PROVIDERS: Provider[] = [
  NotificationPreferencesRepository,
  TemplateRegistry,
  OrganisationContactsRepository,
  ContactAddressResolver,
  emailSenderProvider,
  OrganisationMailer,
  EmailWorker,
  EmailNoticeChannel,
  DigestReferralsRepository,
  DigestFeed,
  RunDigestUseCase,
  DigestScheduler,
];

export const EMAIL_CONTROLLERS: Type[] = [
  OrganisationContactEventsConsumer,
  NotificationPreferencesController,
  NotificationTemplatesController,
  RunDigestController,
];
