/**
 * Writing HSDS 3.0 records into the directory, shared by the management API and the bulk importer.
 *
 * Storage convention (one collection per HSDS table): `organizations`, `services`, `locations`,
 * `service_at_locations`, `taxonomies`, `taxonomy_terms`. A stored document is the HSDS 3.0 object
 * as the HSDS JSON schema nests it (phones, contacts, schedules, service_areas, languages,
 * addresses, attributes, cost_options, funding... embedded), with `_id` = `id`, minus the nested
 * parent/sibling objects that have their own collection (a service keeps `organization_id`, not
 * `organization`; service_at_locations and locations are stored in their own collections).
 * Platform fields live under `sp` (never HSDS names). Every change appends provenance to the
 * `metadata` collection (HSDS metadata: resource_id, resource_type, last_action_date,
 * last_action_type, field_name, previous_value, replacement_value, updated_by), and organisation and
 * service changes write their directory events to the document's outbox in the same write.
 */
import type { ActingPerson } from '../audit/acting-person';

export type HsdsRecord = Record<string, unknown> & { id: string };

export type HsdsTable =
  'organizations' | 'services' | 'locations' | 'service_at_locations' | 'taxonomies' | 'taxonomy_terms';

export interface Provenance {
  /** Who made the change: a client id, `import:<importId>`, or `seed`. */
  updatedBy: string;
  /** Free-form source label for metadata (e.g. 'management-api', 'hsds-import'). */
  source: string;
  /** The signed-in person behind the client, if any (kept in each metadata row's `sp.person`). */
  person?: ActingPerson;
}

export interface HsdsWriteResult {
  outcome: 'created' | 'updated' | 'unchanged';
}

export interface HsdsStore {
  /**
   * Inserts or replaces one record (upsert by id; idempotent: writing the same record twice is
   * `unchanged` and emits nothing). The record must already be valid; references are not checked.
   */
  upsert(table: HsdsTable, record: HsdsRecord, provenance: Provenance): Promise<HsdsWriteResult>;
  /**
   * `upsert` for many records of one table, with the same outcome per record (in input order) as
   * upserting them one after the other, in a few round trips (one read, one insert, one update per
   * changed record, one provenance insert). A record with an invalid id rejects the whole call
   * (ValidationError naming each) before anything is written.
   */
  upsertMany(table: HsdsTable, records: HsdsRecord[], provenance: Provenance): Promise<HsdsWriteResult[]>;
  /** Which of the ids exist in the table (for reference checks). */
  existing(table: HsdsTable, ids: string[]): Promise<Set<string>>;
}

export const HSDS_STORE = Symbol('HSDS_STORE');
