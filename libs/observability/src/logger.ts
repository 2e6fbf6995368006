import pino from 'pino';
import { traceContext } from './trace-context';

/** Keys never written to logs, at the top level or nested up to two objects deep. */
export const REDACTED_KEYS = ['authorization', 'password', 'client_secret', 'nhsNumber'] as const;

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: pino.DestinationStream;
}

/**
 * The platform logger: one JSON object per line on stdout, with `service`, an ISO `time`, the level
 * as a word, and the correlation/causation ids and traceparent of the current trace context, so a
 * request can be followed across services by grepping one id.
 */
export function createLogger(service: string, level = 'info', opts: LoggerOptions = {}): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths, censor: '[redacted]' },
    mixin() {
      const ctx = traceContext.current();
      if (!ctx) return {};
      const fields: Record<string, string> = { correlationId: ctx.correlationId };
      if (ctx.causationId) fields['causationId'] = ctx.causationId;
      if (ctx.traceparent) fields['traceparent'] = ctx.traceparent;
      return fields;
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
