// Argument parsing and table output of the dlq CLI (pure, unit-tested); main.ts does the I/O.
import { parseArgs } from 'node:util';
import { parseBrokers } from '@sp/config';
import type { DeadLetterEntry } from '@sp/messaging';

export const USAGE = `Usage: npm run dlq -- <command> [options]

Commands:
  list [--topic T] [--limit N]               dead letters of every .dlq topic (or of T / T.dlq), oldest first
  inspect <dlqTopic> <partition> <offset>    one dead letter: headers, payload, failure, contract check
  replay <dlqTopic> <partition> <offset>     re-produce the original record to its original topic

Options:
  --brokers host:port[,host:port]   Kafka bootstrap brokers (default: $KAFKA_BROKERS or 127.0.0.1:9092)
  --json                            JSON output (list prints a table otherwise; inspect and replay always print JSON)
  -h, --help                        this help

Exit codes: 0 done, 1 the operation failed (not found, broker unreachable...), 2 bad usage.`;

export class UsageError extends Error {}

export interface Cli {
  command: 'list' | 'inspect' | 'replay';
  brokers: string[];
  json: boolean;
  topic?: string;
  limit: number;
  at?: { topic: string; partition: number; offset: string };
}

/** Parses argv (after `--`); `env` supplies KAFKA_BROKERS. Throws UsageError (or parseArgs' TypeError) on bad usage. */
export function parseCli(argv: string[], env: Record<string, string | undefined> = {}): Cli | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) return 'help';
  const [command, ...rest] = positionals;
  const brokers = parseBrokers(values.brokers ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
  if (brokers.length === 0) throw new UsageError('--brokers is empty');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);

  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no positional arguments, got: ${rest.join(' ')}`);
    return {
      command,
      brokers,
      json: values.json,
      limit,
      ...(values.topic === undefined ? {} : { topic: values.topic }),
    };
  }
  if (command === 'inspect' || command === 'replay') {
    if (rest.length !== 3) throw new UsageError(`${command} needs <dlqTopic> <partition> <offset>`);
    const [topic, partitionText, offset] = rest as [string, string, string];
    const partition = Number(partitionText);
    if (!Number.isInteger(partition) || partition < 0)
      throw new UsageError(`partition must be a non-negative integer, got "${partitionText}"`);
    if (!/^\d+$/.test(offset)) throw new UsageError(`offset must be a non-negative integer, got "${offset}"`);
    return { command, brokers, json: true, limit, at: { topic, partition, offset } };
  }
  throw new UsageError(`unknown command "${command ?? ''}"`);
}

export function table(entries: DeadLetterEntry[]): string {
  const columns: Array<[string, (e: DeadLetterEntry) => string]> = [
    ['DLQ TOPIC', (e) => e.dlqTopic],
    ['PART', (e) => String(e.partition)],
    ['OFFSET', (e) => e.offset],
    ['FAILED AT', (e) => e.failedAt],
    ['GROUP', (e) => e.consumerGroup],
    ['REASON', (e) => e.reason],
    ['CODE', (e) => e.errorCode],
    ['ATT', (e) => String(e.attempts)],
    ['EVENT TYPE', (e) => e.eventType ?? ''],
    ['EVENT ID', (e) => e.eventId ?? ''],
  ];
  const rows = [columns.map(([title]) => title), ...entries.map((e) => columns.map(([, get]) => get(e)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
