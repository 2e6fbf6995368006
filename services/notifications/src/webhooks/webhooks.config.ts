import { Type } from '@sinclair/typebox';
import { secret } from '@sp/config';

/** Every environment variable of signed webhooks (spread into the service's config schema). */
export const WebhooksConfigProperties = {
  WEBHOOK_SECRET_KEY: secret(
    Type.String({
      minLength: 32,
      default: 'local-only-webhook-secret-key-never-use-in-production',
      description:
        'Key that encrypts webhook signing secrets at rest (AES-256-GCM under its SHA-256). The default is for local development ONLY: set a long random value per deployment (e.g. `openssl rand -base64 32`); changing it makes stored secrets unreadable.',
    }),
  ),
  WEBHOOK_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 10_000,
    description:
      'A webhook attempt is cut off after this long (connect, send and response) and counts as failed',
  }),
  WEBHOOK_RETRY_SCHEDULE_MS: Type.String({
    default: '5000,300000,1800000,7200000,18000000,36000000,36000000',
    pattern: '^\\s*\\d+\\s*(,\\s*\\d+\\s*)*$',
    expectation: 'comma-separated delays in milliseconds',
    description:
      'Delay before each retry of a failed webhook attempt (published schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); attempts = retries + 1',
  }),
  WEBHOOK_DISABLE_AFTER_DAYS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 365,
    default: 5,
    description:
      'An endpoint whose attempts have all failed for longer than this is disabled and its organisation told by email',
  }),
  WEBHOOK_DISABLE_AFTER_MS: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Overrides WEBHOOK_DISABLE_AFTER_DAYS in milliseconds (tests)',
    }),
  ),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9, ]*$',
    description:
      'Address ranges a webhook may target besides public unicast, comma-separated ipaddr.js range names (loopback, private, linkLocal, uniqueLocal, carrierGradeNat, ...). Empty in production; the local platform sets loopback',
  }),
  WEBHOOK_ALLOW_HTTP: Type.Boolean({
    default: false,
    description: 'Allow http:// endpoint URLs (local development only; production requires https)',
  }),
  WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 2,
    description:
      'Attempts in flight to one endpoint at once (a slow receiver never takes more workers than this)',
  }),
  WEBHOOK_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 50,
    description: 'Webhook attempts each instance runs at once (each mostly waits on the receiver)',
  }),
  WEBHOOK_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    maximum: 3650,
    default: 30,
    description: 'How long webhook messages and attempts are kept for listing and replay',
  }),
};
