export { loadConfig } from './load-config';
export { ConfigError } from './config.errors';
export { secret, isSecret } from './secret';
export { redactConfig, maskUrlPassword, REDACTED } from './redact-config';
export { CommonConfigSchema, LOG_LEVELS, parseBrokers } from './common-config.schema';
export type { CommonConfig } from './common-config.schema';
export { StringEnum } from './string-enum';
