import { Type, type Static } from '@sinclair/typebox';
import { CommonConfigSchema, loadConfig, secret } from '@sp/config';

/** Every environment variable the organisations service reads, with its default. */
export const ServiceConfigSchema = Type.Object({
  ...CommonConfigSchema.properties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3002, description: 'HTTP port' }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/sp_organisations',
    description: "The service's own database (name taken from the path)",
  }),
  KAFKA_GROUP_ID: Type.String({
    default: 'organisations',
    minLength: 1,
    description:
      'Kafka consumer group of this service (override only to run an isolated copy, e.g. in tests or benchmarks)',
  }),
  TOKEN_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 3600,
    default: 900,
    description: 'Lifetime of issued access tokens',
  }),
  TOKEN_SIGNING_JWK: Type.Optional(
    secret(
      Type.String({
        minLength: 2,
        description:
          'Private ES256 JWK (JSON) used to sign tokens. When unset, a key is generated once and kept in the database (development only).',
      }),
    ),
  ),
  DEMO_CLIENTS_FILE: Type.String({
    default: 'infra/local/demo-clients.json',
    description: 'Where the demo seed writes the demo API clients (seed command only)',
  }),
  DEMO_NOTIFICATIONS_CLIENT_ID: Type.String({
    default: 'notifications',
    pattern: '^[A-Za-z0-9._-]+$',
    description:
      "The notifications service's platform API client the demo seed registers when DEMO_NOTIFICATIONS_CLIENT_SECRET is set (seed command only; the notifications service's PATIENT_NOTICES_CLIENT_ID)",
  }),
  DEMO_NOTIFICATIONS_CLIENT_SECRET: secret(
    Type.String({
      default: '',
      description:
        "Its secret (seed command only): the demo seed registers the client (role ops, the platform operator's organisation) with it, so the notifications service can read patients' contact details for patient notifications. Empty: no such client. scripts/start.sh makes one once (infra/local/.state) and gives it to both",
    }),
  ),
  EVIDENCE_SWEEP_INTERVAL_MS: Type.Integer({
    minimum: 1000,
    default: 3_600_000,
    description:
      'How often assurance evidence is re-checked for expiry (also at boot); expired organisations become unverified',
  }),
  MATCH_SNAPSHOT_TTL_MS: Type.Integer({
    minimum: 0,
    default: 300_000,
    description:
      'Matching ranks on an in-memory snapshot of the directory (listings, sites, eligibility, verification evidence, capacity, trust), rebuilt in the background once older than this. Changes this instance writes (capacity declarations, referral events, evidence and its expiry, management writes, API imports) patch it at once; changes written by another instance or the import CLI reach matching within this time plus a rebuild. The results returned are re-ranked on live capacity, trust and verification whatever the age. 0 rebuilds on every match.',
  }),
  MATCH_SNAPSHOT_PRELOAD: Type.Boolean({
    default: true,
    description:
      'Build the matching snapshot in the background at boot when the directory already holds services (a restart), so the first match does not wait for it (tens of seconds at 50,000 services). An empty directory at boot is left to the first match.',
  }),
});

export type ServiceConfig = Static<typeof ServiceConfigSchema>;

export function loadServiceConfig(env?: NodeJS.ProcessEnv): ServiceConfig {
  return loadConfig(ServiceConfigSchema, env);
}
