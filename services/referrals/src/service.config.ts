import { Type, type Static } from '@sinclair/typebox';
import { CommonConfigSchema, loadConfig, secret } from '@sp/config';
import { PatientContactConfigProperties } from './patient-contact/patient-contact.config';
import { FhirSubscriptionsConfigProperties } from './fhir-subscriptions/fhir-subscriptions.config';

/** Every environment variable the referrals service reads, with its default. */
export const ServiceConfigSchema = Type.Object({
  ...CommonConfigSchema.properties,
  ...PatientContactConfigProperties,
  ...FhirSubscriptionsConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3001, description: 'HTTP port' }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/sp_referrals',
    description: "The service's own database (name taken from the path)",
  }),
  PATIENT_KEY_SECRET: secret(
    Type.String({
      minLength: 16,
      default: 'local-development-patient-key-secret',
      description:
        'HMAC key that turns NHS numbers into the pseudonymous patientKey carried by events. Set a long random value per deployment; changing it changes every key.',
    }),
  ),
  KAFKA_GROUP_ID: Type.String({
    default: 'referrals',
    minLength: 1,
    description:
      'Kafka consumer group of the directory replica (override only to run an isolated copy, e.g. in tests)',
  }),
  QUEUE_PREFIX: Type.String({
    default: 'sp',
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'BullMQ key prefix in Redis (isolates copies of the service, e.g. in tests)',
  }),
  RESPONSE_DEADLINE_HOURS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 24 * 365,
    default: 336,
    description:
      'Hours a referral may wait for an answer (accept or reject) before it is rejected with reason no-response (default 14 days; fractions allowed)',
  }),
  REMINDER_BEFORE_DEADLINE_HOURS: Type.Number({
    minimum: 0,
    maximum: 24 * 365,
    default: 72,
    description:
      'How long before the response deadline the referral.reminder-due event is emitted (fractions allowed; 0 = at the deadline)',
  }),
  FIRST_CONTACT_TARGET_DAYS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 365,
    default: 7,
    description:
      'Days after a referral was accepted or assigned by which someone should have reached the patient; after that, with no first contact, GET /v1/caseload marks it overdue (fractions allowed)',
  }),
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
