import { directoryId, isUuid, type DirectoryTable } from '@sp/contracts';
import type { HsdsRecord, HsdsTable } from '../hsds-store.port';

// Every HSDS object id is a UUID (HSDS 3.0 `format: uuid`). Records named by slugs (management
// bodies, CSV packages, the demo network, data stored before) are given their name-based UUIDs
// here, with every reference to another record (organization_id, service_id, location_id,
// taxonomy_term_id...) mapped the same way, so a package whose records refer to each other by slug
// stays consistent. The slug of the record itself is kept (`sp.slug`). Pure: no I/O.

/** Reference fields and the table whose record they name. */
const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  organization_id: 'organizations',
  service_id: 'services',
  location_id: 'locations',
  service_at_location_id: 'service_at_locations',
  taxonomy_id: 'taxonomies',
  taxonomy_term_id: 'taxonomy_terms',
  contact_id: 'contacts',
  program_id: 'programs',
};

/** HSDS attribute/metadata `link_entity` values and the table they name. */
const LINK_ENTITY_TABLES: Readonly<Record<string, string>> = {
  organization: 'organizations',
  service: 'services',
  location: 'locations',
  service_at_location: 'service_at_locations',
  contact: 'contacts',
  phone: 'phones',
};

/** Nested objects held under a singular key (read views), and their table. */
const SINGULAR_TABLES: Readonly<Record<string, string>> = {
  organization: 'organizations',
  service: 'services',
  location: 'locations',
  taxonomy: 'taxonomies',
  taxonomy_term: 'taxonomy_terms',
  program: 'programs',
};

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

/** The id of `value` in `table` when it is a non-empty string (UUIDs kept, slugs derived). */
function mapId(table: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > 0 ? directoryId(table, value) : value;
}

/** One object's ids: its own (`id`, in `table`) and its references; nested objects recursively. */
function mapObject(table: string, object: Obj, isTop: boolean, topTable = table): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'sp' && isTop) out[key] = value;
    else if (key === 'id') out[key] = mapId(table, value);
    else if (key in REFERENCE_TABLES) out[key] = mapId(REFERENCE_TABLES[key] as string, value);
    else if (key === 'parent_id' && table === 'taxonomy_terms') out[key] = mapId('taxonomy_terms', value);
    else if (key === 'link_id') {
      // The linked record: named by link_entity, else the record the attribute is nested in.
      const entity = object['link_entity'];
      const linked = typeof entity === 'string' ? LINK_ENTITY_TABLES[entity] : isTop ? undefined : topTable;
      out[key] = linked ? mapId(linked, value) : value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((item) => (isObject(item) ? mapObject(key, item, false, topTable) : item));
    } else if (isObject(value)) out[key] = mapObject(SINGULAR_TABLES[key] ?? key, value, false, topTable);
    else out[key] = value;
  }
  return out;
}

/**
 * The record with UUID ids: its own id (a slug becomes its derived UUID and is kept in `sp.slug`),
 * every reference to another record, and the ids of its nested objects (phones, attributes...;
 * a slug there is derived in the nested table, e.g. `phones:<slug>`). A record already in UUIDs
 * is returned equal.
 */
export function withUuidIds(table: HsdsTable, record: HsdsRecord): HsdsRecord {
  const mapped = mapObject(table, record, true) as HsdsRecord;
  if (typeof record.id === 'string' && record.id.length > 0 && !isUuid(record.id)) {
    const sp = isObject(record['sp']) ? record['sp'] : {};
    return { ...mapped, sp: { ...sp, slug: record.id } };
  }
  return mapped;
}

/** The stored id of a record named by its UUID or its slug. */
export function recordIdOf(table: HsdsTable, idOrSlug: string): string {
  return directoryId(table as DirectoryTable, idOrSlug);
}
