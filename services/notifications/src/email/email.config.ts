import { Type } from '@sinclair/typebox';
import { secret } from '@sp/config';

/** Organisation email settings; spread into ServiceConfigSchema. */
export const EmailConfigProperties = {
  EMAIL_PROVIDER: Type.Unsafe<'smtp' | 'notify'>({
    type: 'string',
    enum: ['smtp', 'notify'],
    default: 'smtp',
    description:
      "How organisation emails leave: 'smtp' (nodemailer to SMTP_URL; Mailpit locally) or 'notify' (GOV.UK Notify email, template NOTIFY_TEMPLATES['organisation-email'] with ((subject)) and ((body)))",
  }),
  SMTP_URL: secret(
    Type.String({
      default: 'smtp://127.0.0.1:1025',
      pattern: '^smtps?://',
      description:
        'SMTP relay (smtp:// or smtps://, credentials in the URL when needed). The default is the local Mailpit',
    }),
  ),
  SMTP_FROM: Type.String({
    default: 'Social prescribing referrals <notifications@sp.example.org>',
    minLength: 3,
    description: 'From address of organisation emails',
  }),
  EMAIL_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 8,
    description: 'Attempts per email job before it is recorded as failed (kept for operators)',
  }),
  EMAIL_BACKOFF_MS: Type.Integer({
    minimum: 10,
    maximum: 3_600_000,
    default: 5000,
    description: 'First retry delay of an email job (exponential afterwards)',
  }),
  EMAIL_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 5,
    description: 'Emails each instance sends at once',
  }),
  EMAIL_SEND_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 15_000,
    description: 'An SMTP exchange taking longer is abandoned and the job retried',
  }),
};
