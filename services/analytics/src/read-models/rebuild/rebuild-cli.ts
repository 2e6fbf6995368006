/**
 * Rebuilds the analytics read models into a new generation and waits until reads use it:
 *   npm run analytics:rebuild
 * Uses the analytics service's configuration (MONGO_URL, KAFKA_BROKERS, KAFKA_GROUP_ID, ...).
 * Runs the replay in this process; running analytics instances join it. If a rebuild is already
 * running, waits for that one. Prints a JSON summary (generation, counts, duration, events/s).
 */
import 'reflect-metadata';
import { parseBrokers } from '@sp/config';
import { createLogger } from '@sp/observability';
import pino from 'pino';
import { connectMongo } from '@sp/persistence';
import { loadServiceConfig } from '../../service.config';
import { runRebuild } from './run-rebuild';

async function main(): Promise<void> {
  const config = loadServiceConfig();
  // Logs on stderr: stdout carries only the JSON summary.
  const logger = createLogger('analytics-rebuild', config.LOG_LEVEL, { destination: pino.destination(2) });
  const connection = await connectMongo(config.MONGO_URL);
  try {
    const summary = await runRebuild({
      connection,
      kafka: { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'analytics-rebuild-cli' },
      serviceGroupId: config.KAFKA_GROUP_ID,
      logger,
      graceMs: config.READ_MODEL_SWITCH_GRACE_MS,
      tickMs: config.READ_MODEL_REFRESH_MS,
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `read model rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
