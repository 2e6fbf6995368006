export { traceContext } from './trace-context';
export type { TraceContext } from './trace-context';
export { newCorrelationId, newTraceparent, parseTraceparent } from './ids';
export type { ParsedTraceparent } from './ids';
export { createLogger, REDACTED_KEYS } from './logger';
export type { LoggerOptions } from './logger';
export { PinoNestLogger } from './nest-logger';
export { metricsRegistry, counter, gauge, histogram } from './metrics';
export type { Logger } from 'pino';
