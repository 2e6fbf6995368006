// Dead-letter operations from a terminal: `npm run dlq -- <command>`. A thin shell over
// DeadLetterAdmin (the same class behind the services' /ops/dead-letters endpoints).
import pino from 'pino';
import { contractRegistry } from '@sp/contracts';
import { createLogger } from '@sp/observability';
import { DeadLetterAdmin } from '@sp/messaging';
import { parseCli, table, USAGE, UsageError, type Cli } from './cli';

async function run(cli: Cli): Promise<void> {
  // Library logs go to stderr so that stdout stays machine-readable.
  const logger = createLogger('dlq-cli', process.env['LOG_LEVEL'] ?? 'warn', {
    destination: pino.destination(2),
  });
  const admin = new DeadLetterAdmin({ brokers: cli.brokers, clientId: 'dlq-cli' }, contractRegistry, {
    logger,
  });
  try {
    if (cli.command === 'list') {
      const entries = await admin.list({
        limit: cli.limit,
        ...(cli.topic === undefined ? {} : { topic: cli.topic }),
      });
      if (cli.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      else process.stdout.write(entries.length === 0 ? 'no dead letters\n' : `${table(entries)}\n`);
      return;
    }
    const at = cli.at;
    if (at === undefined) throw new UsageError('missing <dlqTopic> <partition> <offset>');
    const result =
      cli.command === 'inspect'
        ? await admin.inspect(at.topic, at.partition, at.offset)
        : await admin.replay(at.topic, at.partition, at.offset);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await admin.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let cli: Cli | 'help';
  try {
    cli = parseCli(argv, process.env);
  } catch (error) {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await run(cli);
    return 0;
  } catch (error) {
    const code =
      typeof (error as { code?: unknown }).code === 'string' ? `${(error as { code: string }).code}: ` : '';
    process.stderr.write(
      `dlq ${cli.command} failed: ${code}${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dlq: ${String(error)}\n`);
    process.exit(1);
  },
);
