import { Type, type Static } from '@sinclair/typebox';
import { CommonConfigSchema, loadConfig } from '@sp/config';

/** Every environment variable the analytics service reads, with its default. */
export const ServiceConfigSchema = Type.Object({
  ...CommonConfigSchema.properties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3004, description: 'HTTP port' }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/sp_analytics',
    description: "The service's own database (name taken from the path)",
  }),
  KAFKA_GROUP_ID: Type.String({
    default: 'analytics',
    minLength: 1,
    description:
      'Kafka consumer group of this service (override only to run an isolated copy, e.g. in tests)',
  }),
  READ_MODEL_REFRESH_MS: Type.Integer({
    default: 1_000,
    minimum: 100,
    maximum: 60_000,
    description:
      'How often each instance re-reads which read-model generation is active or building (and checks a rebuild)',
  }),
  READ_MODEL_SWITCH_GRACE_MS: Type.Integer({
    default: 5_000,
    minimum: 0,
    description:
      'A rebuilt generation becomes active no sooner than this after it was created: several refreshes, so every live instance writes to it first',
  }),
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
