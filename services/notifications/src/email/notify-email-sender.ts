import { isNotifyError, type NotifyClient } from '../notify/notify-client';
import type { EmailSender, OutgoingEmail } from './email-sender';
import { PermanentEmailFailure } from './email-sender';

/** The Notify template every organisation email goes through: `((subject))` and `((body))`. */
export const NOTIFY_ORGANISATION_EMAIL_TEMPLATE = 'organisation-email';

/**
 * GOV.UK Notify email through N's adapter. Our templates are rendered here (versioned, previewable,
 * the same text as by SMTP); Notify gets one generic template whose subject is ((subject)) and body
 * ((body)), the usual way to send service-rendered text through Notify.
 */
export class NotifyEmailSender implements EmailSender {
  readonly provider = 'notify' as const;

  constructor(private readonly notify: NotifyClient) {}

  async send(email: OutgoingEmail): Promise<string> {
    try {
      return await this.notify.sendEmail({
        templateId: this.notify.templateId(NOTIFY_ORGANISATION_EMAIL_TEMPLATE),
        emailAddress: email.to,
        personalisation: { subject: email.subject, body: email.text },
        reference: email.reference,
      });
    } catch (error) {
      if (isNotifyError(error) && !error.retriable) {
        throw new PermanentEmailFailure(error.code, { cause: error });
      }
      throw error;
    }
  }
}
