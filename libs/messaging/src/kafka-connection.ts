// One place that turns our connection settings into a kafkajs client, with kafkajs' own logs
// routed to pino so they carry the service name and correlation ids like every other line.
import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

// Startup warnings that are expected given our deliberate settings (see EventPublisher):
// bounded retries on the idempotent producer (we prefer a failed publish, retried by the outbox
// relay and deduped by consumers, to a publish that hangs forever during an outage).
const DEMOTED_WARNINGS = ['Limiting retries for the idempotent producer'];

function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.WARN && DEMOTED_WARNINGS.some((w) => message.startsWith(w)))
        logger.debug(fields, message);
      else if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

export function createKafka(conn: KafkaConnection, logger: Logger, opts?: { retries?: number }): Kafka {
  return new Kafka({
    clientId: conn.clientId,
    brokers: conn.brokers,
    // kafkajs INFO is chatty (every join, every commit); keep WARN and above.
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    retry: { retries: opts?.retries ?? 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
}

/** Parses `KAFKA_BROKERS`-style comma lists. */
export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}
