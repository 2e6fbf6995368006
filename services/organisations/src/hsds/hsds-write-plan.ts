import type { TSchema } from '@sinclair/typebox';
import { createEnvelope, type EventContract } from '@sp/contracts';
import { ValidationError } from '@sp/errors';
import { eventMetaFromContext, outboxInsertFields, outboxUpdate } from '@sp/messaging';
import { directoryEventsFor } from './domain/directory-events';
import {
  canonicalJson,
  changedFields,
  derivedFields,
  hsdsContent,
  RECORD_ID,
  type PlatformFields,
  type StoredRecord,
} from './domain/hsds-record';
import { metadataRows, type MetadataRow } from './domain/metadata-rows';
import type { HsdsRecord, HsdsTable, Provenance } from './hsds-store.port';

// What one HSDS write means, decided before the store writes it (see HsdsStoreRepository): the
// record's platform fields, its directory events (into the document's outbox) and its provenance
// rows. No database access here.

const SOURCE = '/services/organisations';

/** Platform fields whose change is a change of the record (derived and timestamp fields are not). */
const DECIDED_FIELDS: Array<keyof PlatformFields> = ['kind', 'status', 'suspensionReason', 'publication'];
export interface UnchangedPlan {
  kind: 'unchanged';
  record: StoredRecord;
}
export interface InsertPlan {
  kind: 'insert';
  record: StoredRecord;
  document: StoredRecord;
  rows: MetadataRow[];
  events: boolean;
}
export interface UpdatePlan {
  kind: 'update';
  record: StoredRecord;
  update: Record<string, unknown>;
  rows: MetadataRow[];
  events: boolean;
}
export type WritePlan = UnchangedPlan | InsertPlan | UpdatePlan;

/** The ids must be usable in event keys and subjects; a bad one rejects the whole call. */
export function assertValidIds(records: HsdsRecord[]): void {
  const problems = records.flatMap((record, i) =>
    typeof record.id === 'string' && RECORD_ID.test(record.id)
      ? []
      : [
          {
            field: records.length === 1 ? 'id' : `records[${i}].id`,
            code: 'invalid_format',
            message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -',
          },
        ],
  );
  if (problems.length > 0)
    throw new ValidationError(
      problems.length === 1 ? 'The record id is invalid' : 'Some record ids are invalid',
      problems,
    );
}

/**
 * What writing `record` over `previous` (the stored document or null) means: nothing (equal
 * record), an insert or an update; with its platform fields, directory events (in the document's
 * outbox) and provenance rows.
 */
export function planWrite(
  table: HsdsTable,
  record: HsdsRecord,
  previous: StoredRecord | null,
  provenance: Provenance,
  now: Date,
): WritePlan {
  const requested = (record as { sp?: PlatformFields }).sp ?? {};
  const content = hsdsContent(record);
  const previousContent = previous ? hsdsContent(previous) : null;
  const previousSp: PlatformFields = previous?.sp ?? {};
  const sp: PlatformFields = {
    ...defaultsFor(table),
    ...previousSp,
    ...stripUndefined(requested),
    ...derivedFields(table, content),
  };
  const fields = [
    ...changedFields(previousContent, content),
    ...DECIDED_FIELDS.filter((k) => canonicalJson(previousSp[k]) !== canonicalJson(sp[k])).map(
      (k) => `sp.${k}`,
    ),
  ];
  if (previous && fields.length === 0) return { kind: 'unchanged', record: previous };

  // A record's modification times strictly increase, even for two writes within one millisecond
  // (provenance row ids are derived from the time: two changes never share one).
  const last = previousSp.modifiedAt ? new Date(previousSp.modifiedAt).getTime() : -Infinity;
  const at = now.getTime() > last ? now : new Date(last + 1);
  sp.createdAt = previousSp.createdAt ?? at;
  sp.modifiedAt = at;
  const next: StoredRecord = { ...content, _id: record.id, sp };
  const events = directoryEventsFor(table, previous, next, at.toISOString()).map((e) =>
    createEnvelope(e.contract as unknown as EventContract<TSchema>, e.data, eventMetaFromContext(SOURCE)),
  );
  const rows = metadataRows({
    table,
    id: record.id,
    action: previous ? 'update' : 'create',
    fields,
    previous: previous ? { ...previousContent, sp: previousSp } : null,
    next: { ...content, sp },
    provenance,
    at,
  });
  if (!previous) {
    const document = { ...next, ...(events.length > 0 ? outboxInsertFields(events) : {}) } as StoredRecord;
    return { kind: 'insert', record: next, document, rows, events: events.length > 0 };
  }
  const removed = Object.keys(previousContent ?? {}).filter((k) => !(k in content));
  const update: Record<string, Record<string, unknown>> = { $set: { ...content, sp } };
  if (removed.length > 0) update['$unset'] = Object.fromEntries(removed.map((k) => [k, '']));
  return {
    kind: 'update',
    record: next,
    update: events.length > 0 ? outboxUpdate(events, { merge: update }) : update,
    rows,
    events: events.length > 0,
  };
}

function defaultsFor(table: HsdsTable): PlatformFields {
  if (table === 'organizations') return { kind: 'vcs', status: 'active' };
  if (table === 'services') return { publication: 'published' };
  return {};
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
