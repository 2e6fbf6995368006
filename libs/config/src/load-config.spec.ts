import { Type } from '@sinclair/typebox';
import { isDomainError } from '@sp/errors';
import { CommonConfigSchema, ConfigError, loadConfig, parseBrokers, redactConfig, secret } from './index';

const ServiceSchema = Type.Object({
  ...CommonConfigSchema.properties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3001 }),
  FEATURE_ENABLED: Type.Boolean({ default: false }),
  API_KEY: secret(Type.String({ minLength: 8 })),
  MONGO_URL: Type.String({ default: 'mongodb://127.0.0.1:27017/sp_referrals' }),
});

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies every common default when the environment is empty', () => {
    expect(loadConfig(CommonConfigSchema, {})).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      MONGO_URL: 'mongodb://127.0.0.1:27017/',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'info',
      JWKS_URL: 'http://127.0.0.1:3002/.well-known/jwks.json',
      TOKEN_ISSUER: 'http://127.0.0.1:3002',
      TOKEN_AUDIENCE: 'social-prescribing',
      OIDC_ISSUERS: '[]',
      SHUTDOWN_TIMEOUT_MS: 15000,
    });
  });

  it('reads a good environment, coercing numbers and booleans, and ignores unrelated variables', () => {
    const config = loadConfig(ServiceSchema, {
      PORT: '4001',
      FEATURE_ENABLED: 'true',
      API_KEY: 'abcdefgh12',
      KAFKA_BROKERS: 'k1:9092,k2:9093',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '5000',
      HOME: '/root',
    });
    expect(config.PORT).toBe(4001);
    expect(config.FEATURE_ENABLED).toBe(true);
    expect(config.API_KEY).toBe('abcdefgh12');
    expect(config.KAFKA_BROKERS).toBe('k1:9092,k2:9093');
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(5000);
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017/sp_referrals');
    expect(config).not.toHaveProperty('HOME');
  });

  it('treats an empty variable as unset, so the default applies', () => {
    expect(loadConfig(ServiceSchema, { PORT: '', API_KEY: 'abcdefgh' }).PORT).toBe(3001);
  });

  it('works with Type.Composite as well as with spread properties', () => {
    const Composite = Type.Composite([
      CommonConfigSchema,
      Type.Object({ PORT: Type.Integer({ default: 3004 }) }),
    ]);
    const config = loadConfig(Composite, { LOG_LEVEL: 'warn' });
    expect(config.PORT).toBe(3004);
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15000);
  });

  it('reads process.env only when no environment is passed', () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'trace';
    try {
      expect(loadConfig(CommonConfigSchema).LOG_LEVEL).toBe('trace');
      expect(loadConfig(CommonConfigSchema, {}).LOG_LEVEL).toBe('info');
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });

  it('lists every bad variable with what was expected and what was got', () => {
    const err = captureError(() =>
      loadConfig(ServiceSchema, {
        PORT: 'abc',
        FEATURE_ENABLED: 'maybe',
        LOG_LEVEL: 'loud',
        KAFKA_BROKERS: 'no-port-here',
        SHUTDOWN_TIMEOUT_MS: '-1',
        JWKS_URL: 'not a url',
      }),
    );
    expect(isDomainError(err)).toBe(true);
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.message).toBe(
      [
        'Invalid configuration:',
        '  - KAFKA_BROKERS: expected comma-separated list of host:port, got "no-port-here"',
        '  - LOG_LEVEL: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
        '  - JWKS_URL: expected string in uri format, got "not a url"',
        '  - SHUTDOWN_TIMEOUT_MS: expected integer between 0 and 600000, got "-1"',
        '  - PORT: expected integer between 1 and 65535, got "abc"',
        '  - FEATURE_ENABLED: expected true or false, got "maybe"',
        '  - API_KEY: expected string of at least 8 characters, got nothing (the variable is required)',
      ].join('\n'),
    );
    expect(err.problems.map((p) => p.field)).toEqual([
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'JWKS_URL',
      'SHUTDOWN_TIMEOUT_MS',
      'PORT',
      'FEATURE_ENABLED',
      'API_KEY',
    ]);
  });

  it('never prints a secret value, nor a password inside a connection string', () => {
    const err = captureError(() =>
      loadConfig(ServiceSchema, { API_KEY: 'short', REDIS_URL: 'http://u:hunter2@x' }),
    );
    expect(err.message).toContain(
      'API_KEY: expected string of at least 8 characters, got a value of 5 characters',
    );
    expect(err.message).toContain('REDIS_URL: expected string matching /^rediss?:///, got "http://u:***@x"');
    expect(err.message).not.toContain('short');
    expect(err.message).not.toContain('hunter2');
  });
});

describe('redactConfig', () => {
  it('replaces secret values with *** and masks URL passwords, leaving the rest', () => {
    const config = loadConfig(ServiceSchema, {
      API_KEY: 'super-secret-key',
      MONGO_URL: 'mongodb://app:pa55word@db:27017/sp?replicaSet=rs0',
    });
    const redacted = redactConfig(ServiceSchema, config);
    expect(redacted.API_KEY).toBe('***');
    expect(redacted.MONGO_URL).toBe('mongodb://app:***@db:27017/sp?replicaSet=rs0');
    expect(redacted.PORT).toBe(3001);
    expect(JSON.stringify(redacted)).not.toContain('super-secret-key');
    expect(JSON.stringify(redacted)).not.toContain('pa55word');
  });

  it('keeps the secret mark through Type.Optional and leaves unset optional secrets undefined', () => {
    const Schema = Type.Object({ TOKEN: Type.Optional(secret(Type.String())) });
    expect(redactConfig(Schema, loadConfig(Schema, { TOKEN: 't0k3n' }))).toEqual({ TOKEN: '***' });
    expect(redactConfig(Schema, loadConfig(Schema, {}))).toEqual({});
  });

  it('does not mutate the schema it marks', () => {
    const base = Type.String();
    secret(base);
    expect(base).not.toHaveProperty('secret');
  });
});

describe('parseBrokers', () => {
  it('splits a comma list and trims blanks', () => {
    expect(parseBrokers('a:9092, b:9093 ,,')).toEqual(['a:9092', 'b:9093']);
    expect(parseBrokers(loadConfig(CommonConfigSchema, {}).KAFKA_BROKERS)).toEqual(['127.0.0.1:9092']);
  });

  it('refuses an empty list', () => {
    expect(() => parseBrokers(' , ')).toThrow(/comma-separated list of Kafka brokers/);
  });
});
