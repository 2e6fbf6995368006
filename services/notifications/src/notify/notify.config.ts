import { Type } from '@sinclair/typebox';
import { secret } from '@sp/config';

/**
 * The local fake Notify's service id and API key (infra/local/notify-fake/server.mjs accepts it).
 * Not a secret: it opens nothing but the fake. Production sets NOTIFY_API_KEY to a live key.
 */
export const LOCAL_NOTIFY_API_KEY =
  'sp-local-4a6d1f3e-6b8a-4c59-9c1e-2f0d7b3a5e11-b7c2e9d4-1f3a-4e8b-a6d5-9c0e2f4b7a13';

/** Template ids of the local fake (infra/local/notify-fake/templates.json), by our template name. */
export const LOCAL_NOTIFY_TEMPLATES = {
  'patient-referral-made-sms': '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f60',
  'patient-referral-made-email': '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f61',
  'patient-referral-accepted-sms': '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f62',
  'patient-referral-accepted-email': '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f63',
  // Organisation emails with EMAIL_PROVIDER=notify: our rendered subject and body (src/email/).
  'organisation-email': '5d2a3b7e-0c1f-4d8a-9b6e-1a2c3d4e5f64',
};

/** GOV.UK Notify (email and SMS) settings; spread into ServiceConfigSchema. */
export const NotifyConfigProperties = {
  NOTIFY_API_KEY: secret(
    Type.String({
      default: LOCAL_NOTIFY_API_KEY,
      pattern:
        '^.+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      expectation: 'a Notify API key: {key_name}-{service_id}-{secret_key}',
      description:
        'GOV.UK Notify API key ({key_name}-{service_id}-{secret_key}). The default is the local fake Notify key (infra/local/notify-fake)',
    }),
  ),
  NOTIFY_BASE_URL: Type.String({
    default: 'http://127.0.0.1:8097',
    format: 'uri',
    description:
      'GOV.UK Notify API base URL: https://api.notifications.service.gov.uk in production; the local fake Notify by default',
  }),
  NOTIFY_TEMPLATES: Type.String({
    default: JSON.stringify(LOCAL_NOTIFY_TEMPLATES),
    minLength: 2,
    expectation: 'a JSON object of template name -> Notify template id',
    description:
      'Notify template ids by our template name (JSON object), e.g. {"patient-referral-made-sms": "<uuid>"}; defaults to the local fake\'s templates',
  }),
  NOTIFY_CALLBACK_TOKEN: secret(
    Type.String({
      default: 'local-notify-callback-token',
      minLength: 10,
      description:
        "Bearer token Notify sends with delivery receipts to POST /v1/notify/callbacks (set the same value in Notify's callback settings)",
    }),
  ),
  NOTIFY_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 10_000,
    description: 'A Notify request taking longer is abandoned and retried (retriable NOTIFY.UNAVAILABLE)',
  }),
};
