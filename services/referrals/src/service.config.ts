import { Type, type Static } from '@sinclair/typebox';
import { CommonConfigSchema, loadConfig, secret } from '@sp/config';

/** Every environment variable the referrals service reads, with its default. */
export const ServiceConfigSchema = Type.Object({
  ...CommonConfigSchema.properties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3001, description: 'HTTP port' }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/sp_referrals?retryWrites=false',
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
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
