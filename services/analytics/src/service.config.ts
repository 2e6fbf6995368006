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
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
