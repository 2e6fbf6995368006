import { createHash } from 'node:crypto';
import { derivedDirectoryId, directoryId, isUuid } from '@sp/contracts';
import {
  canonicalJson,
  derivedFields,
  HSDS_TABLES,
  hsdsContent,
  RESOURCE_TYPE,
  type StoredRecord,
} from '../../hsds/domain/hsds-record';
import { withUuidIds } from '../../hsds/domain/record-ids';
import type { HsdsRecord, HsdsTable } from '../../hsds/hsds-store.port';

// What the directory-ids migration makes of one stored document (pure; the I/O is in
// ../directory-ids.migration.ts). Documents stored before directory ids were UUIDs are named by
// slugs (`_id: 'svc-befriending'`) and refer to each other by slugs; each becomes the document the
// store writes today for the same record: its UUID (domain/record-ids.ts), its slug in `sp.slug`,
// its references in UUIDs.

/** Storage fields kept as they are when a document moves (its pending events stay pending). */
const OUTBOX_KEYS = ['outbox', 'outboxPending', 'outboxRelayPass'] as const;

/** The id the store derived for a service_at_location before ids were name-based UUIDs. */
export function legacyDerivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Rekeyed {
  /** The document as it is to be stored (`_id` may differ from the old one). */
  next: StoredRecord;
  /** The `_id` changed: insert `next`, delete the old document. */
  moved: boolean;
}

/** An HSDS document in UUIDs, or null when it already is (nothing to do: the migration is idempotent). */
export function rekeyHsdsDocument(table: HsdsTable, doc: StoredRecord): Rekeyed | null {
  const { _id, sp, ...rest } = doc as StoredRecord & Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if ((OUTBOX_KEYS as readonly string[]).includes(key)) kept[key] = value;
    else content[key] = value;
  }
  const record = { ...content, id: _id, ...(sp ? { sp } : {}) } as HsdsRecord;
  const mapped = withUuidIds(table, record);
  let id = mapped.id;
  if (
    table === 'service_at_locations' &&
    typeof doc['service_id'] === 'string' &&
    typeof doc['location_id'] === 'string' &&
    _id === legacyDerivedUuid('service_at_location', doc['service_id'], doc['location_id'])
  ) {
    // Derived from slugs by the old derivation: derive it again as a link made today would be.
    id = derivedDirectoryId(
      'service_at_location',
      String(mapped['service_id']),
      String(mapped['location_id']),
    );
  }
  // Derived query fields (taxonomy term ids...) follow the references they derive from.
  const derived = derivedFields(table, hsdsContent(mapped));
  const nextSp = { ...(mapped['sp'] as Record<string, unknown> | undefined), ...derived };
  const next = { ...mapped, id, _id: id, sp: nextSp, ...kept } as StoredRecord;
  if (canonicalJson(next) === canonicalJson(doc)) return null;
  return { next, moved: id !== _id };
}

/** The table of an HSDS metadata row's `resource_type`. */
export function tableOfResourceType(resourceType: string): HsdsTable | undefined {
  return HSDS_TABLES.find((t) => RESOURCE_TYPE[t] === resourceType);
}

/** The id in UUIDs of a stored reference (absent and empty values are left as they are). */
export function uuidRef(table: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > 0 && !isUuid(value) ? directoryId(table, value) : value;
}

/** Fields of a non-HSDS document naming directory records, mapped to UUIDs; null: nothing to change. */
export function rekeyFields(
  doc: Record<string, unknown>,
  fields: Readonly<Record<string, string>>,
): Record<string, unknown> | null {
  const set: Record<string, unknown> = {};
  for (const [field, table] of Object.entries(fields)) {
    const mapped = uuidRef(table, doc[field]);
    if (mapped !== doc[field]) set[field] = mapped;
  }
  return Object.keys(set).length > 0 ? set : null;
}
