import type { Logger } from 'pino';

const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection error|ServerSelection|connect ECONN|KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError/i;

function describe(err: unknown): { summary: string; hint: string } {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'ConfigError') {
    return { summary: message, hint: 'Fix the environment variables listed above and start again.' };
  }
  const cause = err instanceof Error && err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  const summary = `${name}: ${message}${cause}`;
  if (UNREACHABLE.test(summary) || UNREACHABLE.test(err instanceof Error ? err.constructor.name : '')) {
    return {
      summary,
      hint: 'A dependency (Kafka, MongoDB or Redis) is not reachable. Is the local platform running? Try `bash infra/local/platform.sh status`, and check KAFKA_BROKERS, MONGO_URL and REDIS_URL.',
    };
  }
  return { summary, hint: 'See the JSON log line above for the stack trace.' };
}

/** One JSON log line (with the stack) and one readable paragraph on stderr. The caller exits 1. */
export function reportBootFailure(service: string, err: unknown, logger: Logger): void {
  const { summary, hint } = describe(err);
  logger.fatal({ err }, `${service} service failed to start`);
  process.stderr.write(`\n${service} service failed to start.\n${summary}\n${hint}\n\n`);
}
