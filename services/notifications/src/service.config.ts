import { Type, type Static } from '@sinclair/typebox';
import { CommonConfigSchema, loadConfig } from '@sp/config';
import { NotifyConfigProperties } from './notify/notify.config';
import { PatientNoticesConfigProperties } from './patient-notices/patient-notices.config';
import { EmailConfigProperties } from './email/email.config';
import { TemplatesConfigProperties } from './templates/templates.config';
import { DigestConfigProperties } from './digest/digest.config';
import { WebhooksConfigProperties } from './webhooks/webhooks.config';
import { OpsConfigProperties } from './ops/ops.config';
import { PartnerStreamConfigProperties } from './partner-stream/partner-stream.config';

/** Every environment variable the notifications service reads, with its default. */
export const ServiceConfigSchema = Type.Object({
  ...CommonConfigSchema.properties,
  ...NotifyConfigProperties,
  ...PatientNoticesConfigProperties,
  ...EmailConfigProperties,
  ...TemplatesConfigProperties,
  ...DigestConfigProperties,
  ...WebhooksConfigProperties,
  ...OpsConfigProperties,
  ...PartnerStreamConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3003, description: 'HTTP port' }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/sp_notifications',
    description: "The service's own database (name taken from the path)",
  }),
  KAFKA_GROUP_ID: Type.String({
    default: 'notifications',
    minLength: 1,
    description:
      'Kafka consumer group of this service (override only to run an isolated copy, e.g. in tests)',
  }),
  QUEUE_PREFIX: Type.String({
    default: 'sp',
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'BullMQ key prefix in Redis (isolates copies of the service, e.g. in tests)',
  }),
  DELIVERY_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 8,
    description: 'Attempts per delivery job before it is kept as failed for operators',
  }),
  DELIVERY_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 200,
    default: 20,
    description:
      'Delivery jobs each instance runs at once. Each job mostly waits on the database, so this sets how fast a backlog (a replay, an outage) is delivered',
  }),
  DELIVERY_BACKOFF_MS: Type.Integer({
    minimum: 10,
    maximum: 3_600_000,
    default: 2000,
    description: 'First retry delay of a delivery job (exponential afterwards)',
  }),
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
