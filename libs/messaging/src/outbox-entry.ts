// Outbox entries: the Kafka records an aggregate still owes the world, stored inside the aggregate
// document itself. Written with `$push: { outbox: { $each: entries } }` in the SAME single-document
// update as the state change, so state and events are committed together (no transactions needed).
import { contractRegistry, type ContractRegistry, type EventEnvelope } from '@sp/contracts';
import { envelopeToRecord, type PublishRecord } from './event-publisher';

export interface OutboxEntry {
  /** The event id (CloudEvents `id`); the relay removes published entries by it. */
  id: string;
  topic: string;
  key: string;
  /** JSON of the event data (the Kafka value). */
  value: string;
  headers: Record<string, string>;
  createdAt: Date;
}

/** Field of the aggregate document holding its pending entries. */
export const OUTBOX_FIELD = 'outbox';

/**
 * Validates each envelope against its contract and turns it into an outbox entry. `registry`
 * defaults to the platform's; tests pass their own.
 */
export function outboxEntriesFor(envs: EventEnvelope[], registry: ContractRegistry = contractRegistry, now: Date = new Date()): OutboxEntry[] {
  return envs.map((env) => {
    const record = envelopeToRecord(env, registry);
    return {
      id: env.id,
      topic: record.topic,
      key: record.key,
      value: record.value.toString('utf8'),
      headers: { ...record.headers },
      createdAt: now,
    };
  });
}

/** The Kafka record an entry stands for. */
export function outboxEntryToRecord(entry: OutboxEntry): PublishRecord {
  return { topic: entry.topic, key: entry.key, value: Buffer.from(entry.value, 'utf8'), headers: entry.headers };
}

/** Type guard for entries read back from the database (documents are untyped at that boundary). */
export function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e['id'] === 'string' &&
    typeof e['topic'] === 'string' &&
    typeof e['key'] === 'string' &&
    typeof e['value'] === 'string' &&
    typeof e['headers'] === 'object' &&
    e['headers'] !== null
  );
}
