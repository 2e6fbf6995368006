import { Type, type Static } from '@sinclair/typebox';
import { DomainError } from '@sp/errors';
import { StringEnum } from './string-enum';

const BROKER_LIST = '^\\s*[^\\s,]+:\\d{1,5}\\s*(,\\s*[^\\s,]+:\\d{1,5}\\s*)*$';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Variables every service reads. Services extend it by spreading the properties:
 * `Type.Object({ ...CommonConfigSchema.properties, PORT: Type.Integer({ default: 3001 }) })`
 * (spreading also lets a service override a default such as MONGO_URL; `Type.Composite` works
 * too, but only for new variables: a redefined one becomes the intersection of both).
 */
export const CommonConfigSchema = Type.Object({
  KAFKA_BROKERS: Type.String({
    default: '127.0.0.1:9092',
    pattern: BROKER_LIST,
    expectation: 'comma-separated list of host:port',
    description: 'Kafka bootstrap brokers, comma-separated host:port list',
  }),
  MONGO_URL: Type.String({
    default: 'mongodb://127.0.0.1:27017/',
    pattern: '^mongodb(\\+srv)?://',
    description:
      'MongoDB connection string. The server must be a replica set (transactions and change streams need one): MongoDB 7 in production, SecantusDB locally.',
  }),
  REDIS_URL: Type.String({
    default: 'redis://127.0.0.1:6379',
    pattern: '^rediss?://',
    description: 'Redis connection URL (BullMQ queues)',
  }),
  LOG_LEVEL: StringEnum(LOG_LEVELS, { default: 'info', description: 'pino log level' }),
  JWKS_URL: Type.String({
    default: 'http://127.0.0.1:3002/.well-known/jwks.json',
    format: 'uri',
    description: 'Where access-token signing keys are published (the organisations service)',
  }),
  TOKEN_ISSUER: Type.String({
    default: 'http://127.0.0.1:3002',
    minLength: 1,
    description: 'Expected `iss` of access tokens',
  }),
  TOKEN_AUDIENCE: Type.String({
    default: 'social-prescribing',
    minLength: 1,
    description: 'Expected `aud` of access tokens',
  }),
  OIDC_ISSUERS: Type.String({
    default: '[]',
    minLength: 2,
    expectation: 'a JSON array of OIDC issuers (see docs/identity.md)',
    description:
      'Identity providers whose OIDC access tokens (people signed in to a portal) are accepted beside our own tokens: a JSON array of {issuer, jwksUrl, audience, algorithms?, tokenTypes?, claims?, organisationId?, odsCode?, role?, teamLeadValues?, allowOps?}. Checked at boot (@sp/identity parseOidcIssuers); docs/identity.md',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    default: 15000,
    minimum: 0,
    maximum: 600000,
    description: 'How long graceful shutdown may drain in-flight work before the process exits',
  }),
});

export type CommonConfig = Static<typeof CommonConfigSchema>;

/** 'a:9092, b:9092' -> ['a:9092', 'b:9092']; throws when no broker is named. */
export function parseBrokers(s: string): string[] {
  const brokers = s
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) {
    throw new DomainError(
      'CONFIG.INVALID',
      `Expected a comma-separated list of Kafka brokers, got ${JSON.stringify(s)}`,
    );
  }
  return brokers;
}
