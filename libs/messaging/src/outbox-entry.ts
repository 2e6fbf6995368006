// Outbox entries: the Kafka records an aggregate still owes the world, stored inside the aggregate
// document itself, with a pending flag the relay queries. Written in the SAME single-document
// write as the state change (`outboxInsertFields` for inserts, `outboxUpdate` for updates), so
// state and events are committed together (no transactions needed).
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
 * Boolean field set to `true` by every write that adds entries, cleared by the relay (in the same
 * atomic update that removes the published entries) once the outbox is empty. It is what the
 * relay queries, through the index `{ outboxPending: 1 }`: an equality on an indexed scalar, where
 * "the array is not empty" (`{ 'outbox.0': { $exists: true } }`) cannot use an index and would
 * scan the collection on every poll. Write it through `outboxInsertFields` / `outboxUpdate`.
 */
export const OUTBOX_PENDING_FIELD = 'outboxPending';

export interface OutboxEntriesOptions {
  /** Defaults to the platform's registry; tests pass their own. */
  registry?: ContractRegistry;
  now?: Date;
}

/** Fields to spread into a new aggregate document: `insertOne({ _id, ...state, ...outboxInsertFields([env]) })`. */
export interface OutboxInsertFields {
  outbox: OutboxEntry[];
  outboxPending: true;
}

/** Update operators of one single-document update (`$set`, `$inc`, ...), as plain objects. */
export type UpdateOperators = Record<string, Record<string, unknown>>;

/**
 * The outbox part of a new document: the entries plus the pending flag (never one without the
 * other, or the relay would not see the entries).
 */
export function outboxInsertFields(
  envs: EventEnvelope[],
  opts: OutboxEntriesOptions = {},
): OutboxInsertFields {
  return {
    [OUTBOX_FIELD]: outboxEntriesFor(envs, opts.registry, opts.now),
    [OUTBOX_PENDING_FIELD]: true,
  } as OutboxInsertFields;
}

/**
 * The update that appends `envs` to an existing document's outbox and raises the pending flag,
 * merged into the state change of the same single-document update:
 * `updateOne({ _id }, outboxUpdate([env], { merge: { $set: { status: 'accepted' } } }))`.
 * Throws if `merge` already pushes to the outbox or sets the flag (it would be overwritten).
 */
export function outboxUpdate(
  envs: EventEnvelope[],
  opts: OutboxEntriesOptions & { merge?: UpdateOperators } = {},
): UpdateOperators {
  const base = opts.merge ?? {};
  const push = base['$push'] ?? {};
  const set = base['$set'] ?? {};
  if (OUTBOX_FIELD in push || OUTBOX_PENDING_FIELD in set) {
    throw new Error(
      `outboxUpdate: the merged update must not touch ${OUTBOX_FIELD} or ${OUTBOX_PENDING_FIELD} itself`,
    );
  }
  return {
    ...base,
    $push: { ...push, [OUTBOX_FIELD]: { $each: outboxEntriesFor(envs, opts.registry, opts.now) } },
    $set: { ...set, [OUTBOX_PENDING_FIELD]: true },
  };
}

/**
 * Validates each envelope against its contract and turns it into an outbox entry. `registry`
 * defaults to the platform's; tests pass their own.
 */
export function outboxEntriesFor(
  envs: EventEnvelope[],
  registry: ContractRegistry = contractRegistry,
  now: Date = new Date(),
): OutboxEntry[] {
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
  return {
    topic: entry.topic,
    key: entry.key,
    value: Buffer.from(entry.value, 'utf8'),
    headers: entry.headers,
  };
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
