import { v5 as uuidv5, validate as isValidUuid } from 'uuid';

// Directory (HSDS 3.0) ids. HSDS requires every object id to be a UUID. A record that arrives
// with a UUID keeps it; a record named by a human-readable slug (`svc-befriending`: management
// API, CSV imports, the demo network, data stored before ids were UUIDs) gets a name-based UUID
// (RFC 4122 version 5) of `<table>:<slug>` in the platform's namespace. The same slug therefore
// always gives the same UUID: across imports and updates, in every service and test, and in the
// migration of stored data, without any lookup. Published: do not change the namespace.

/** The namespace of the platform's directory ids (a fixed, published UUID). */
export const DIRECTORY_ID_NAMESPACE = '6f840d75-e6b5-496b-91cf-56fefd32a8bb';

/** The directory tables (HSDS) whose records are named by id. */
export type DirectoryTable =
  'organizations' | 'services' | 'locations' | 'service_at_locations' | 'taxonomies' | 'taxonomy_terms';

/** Is the text a UUID (RFC 4122/9562 form: 8-4-4-4-12 hex digits)? */
export function isUuid(text: string): boolean {
  return isValidUuid(text);
}

/** The UUID of the record named `slug` in `table` (version 5, deterministic). */
export function directoryIdForSlug(table: DirectoryTable | string, slug: string): string {
  return uuidv5(`${table}:${slug}`, DIRECTORY_ID_NAMESPACE);
}

/** The id of a record given its UUID (kept as given) or its slug (its derived UUID). */
export function directoryId(table: DirectoryTable | string, idOrSlug: string): string {
  return isUuid(idOrSlug) ? idOrSlug : directoryIdForSlug(table, idOrSlug);
}

/** A UUID derived from several parts (nested objects, provenance rows): same parts, same UUID. */
export function derivedDirectoryId(...parts: string[]): string {
  return uuidv5(parts.join('\u0000'), DIRECTORY_ID_NAMESPACE);
}
