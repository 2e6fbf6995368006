import { Type } from '@sinclair/typebox';
import { secret } from '@sp/config';

/** Patient notifications (GOV.UK Notify text message or email); spread into ServiceConfigSchema. */
export const PatientNoticesConfigProperties = {
  REFERRALS_URL: Type.String({
    default: 'http://127.0.0.1:3001',
    format: 'uri',
    description:
      "The referrals service, whose internal API gives a patient's contact details at send time (GET /internal/v1/referrals/{id}/patient-contact)",
  }),
  DIRECTORY_URL: Type.String({
    default: 'http://127.0.0.1:3002',
    format: 'uri',
    description:
      'The public HSDS directory (organisations service): service and organisation names for patient messages',
  }),
  PLATFORM_TOKEN_URL: Type.String({
    default: 'http://127.0.0.1:3002/oauth/token',
    format: 'uri',
    description:
      'OAuth2 token endpoint (client credentials) for the token this service presents to the referrals internal API',
  }),
  PATIENT_NOTICES_CLIENT_ID: Type.String({
    default: 'notifications',
    minLength: 1,
    description:
      "This service's API client id at PLATFORM_TOKEN_URL (named in the referrals service's PATIENT_CONTACT_READERS)",
  }),
  PATIENT_NOTICES_CLIENT_SECRET: secret(
    Type.String({
      default: '',
      description:
        'Its client secret. Empty: patient notifications are off (nothing is queued; a warning at boot)',
    }),
  ),
  PATIENT_NOTICES_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 8,
    description:
      'Attempts per patient notification job (Notify 429/5xx, referrals unreachable) before it is failed',
  }),
  PATIENT_NOTICES_BACKOFF_MS: Type.Integer({
    minimum: 10,
    maximum: 3_600_000,
    default: 5000,
    description: 'First retry delay of a patient notification job (exponential afterwards)',
  }),
};
