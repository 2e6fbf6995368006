import type { HsdsRecord, HsdsTable } from '../hsds-store.port';

export const HSDS_TABLES: readonly HsdsTable[] = [
  'organizations',
  'services',
  'locations',
  'service_at_locations',
  'taxonomies',
  'taxonomy_terms',
];

/** The HSDS `resource_type` of a table's records (metadata rows name it). */
export const RESOURCE_TYPE: Record<HsdsTable, string> = {
  organizations: 'organization',
  services: 'service',
  locations: 'location',
  service_at_locations: 'service_at_location',
  taxonomies: 'taxonomy',
  taxonomy_terms: 'taxonomy_term',
};

export const ORGANISATION_KINDS = ['gp-practice', 'link-worker-service', 'vcs'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/**
 * Platform fields kept beside the HSDS fields under `sp` (never HSDS names). Written by the store
 * (timestamps, derived query fields) and by management (status, publication); an HSDS import does
 * not set them, so an import keeps what management decided.
 */
export interface PlatformFields {
  createdAt?: Date;
  modifiedAt?: Date;
  /** organizations */
  kind?: OrganisationKind;
  status?: 'active' | 'suspended';
  suspensionReason?: string;
  odsCode?: string;
  charityNumber?: string;
  /** services: a withdrawn service stays stored but is out of the directory. */
  publication?: 'published' | 'withdrawn';
  /** services: taxonomy terms from its attributes (queried by taxonomy_term_id). */
  taxonomyTermIds?: string[];
  /** Lower-case name and description for `search`. */
  searchText?: string;
  /** locations: upper-case postcode without spaces, from the first address. */
  postcode?: string;
  /** The human-readable name the record was given instead of a UUID (`svc-befriending`), if any. */
  slug?: string;
}

/** A stored HSDS record: the HSDS object, `_id` = `id`, platform fields under `sp`, maybe an outbox. */
export type StoredRecord = HsdsRecord & { _id: string; sp?: PlatformFields };

/** Top-level keys that are storage bookkeeping, not HSDS content. */
export const BOOKKEEPING_KEYS = ['_id', 'sp', 'outbox', 'outboxPending', 'outboxRelayPass'] as const;

/** Ids that may appear in event keys and subjects (the contracts' Id pattern). */
export const RECORD_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The HSDS content of a stored record (no bookkeeping, no `sp`). */
export function hsdsContent(record: Record<string, unknown>): HsdsRecord {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((BOOKKEEPING_KEYS as readonly string[]).includes(key) || value === undefined) continue;
    content[key] = value;
  }
  return content as HsdsRecord;
}

/** Canonical JSON (sorted keys) so two records compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Fields ignored when deciding whether a record changed: provenance, not content. */
const PROVENANCE_FIELDS = ['metadata', 'last_modified'];

/** Top-level HSDS fields whose values differ (added, removed or changed), sorted. */
export function changedFields(previous: HsdsRecord | null, next: HsdsRecord): string[] {
  const before = (previous ?? {}) as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => !PROVENANCE_FIELDS.includes(k))
    .filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]))
    .sort();
}

/** Taxonomy term ids a record is classified under (its attributes), sorted and unique. */
export function taxonomyTermIdsOf(record: Record<string, unknown>): string[] {
  const attributes = Array.isArray(record['attributes']) ? (record['attributes'] as unknown[]) : [];
  const ids = attributes
    .map((a) => (a && typeof a === 'object' ? (a as Record<string, unknown>)['taxonomy_term_id'] : undefined))
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(ids)].sort();
}

/** Language codes a service offers (its `languages[].code`), sorted and unique. */
export function languageCodesOf(record: Record<string, unknown>): string[] {
  const languages = Array.isArray(record['languages']) ? (record['languages'] as unknown[]) : [];
  const codes = languages
    .map((l) => (l && typeof l === 'object' ? (l as Record<string, unknown>)['code'] : undefined))
    .filter((c): c is string => typeof c === 'string' && c.length > 0);
  return [...new Set(codes)].sort();
}

/** 'ts1 2aa' -> 'TS12AA' (the form postcodes are stored and compared in). */
export function normalisePostcode(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** The derived platform fields of a record (search text, taxonomy terms, postcode). */
export function derivedFields(table: HsdsTable, record: HsdsRecord): PlatformFields {
  const r = record as Record<string, unknown>;
  const text = [r['name'], r['alternate_name'], r['description']]
    .filter((v): v is string => typeof v === 'string')
    .join(' ')
    .toLowerCase();
  const derived: PlatformFields = { searchText: text };
  if (table === 'services') derived.taxonomyTermIds = taxonomyTermIdsOf(r);
  if (table === 'locations') {
    const addresses = Array.isArray(r['addresses']) ? (r['addresses'] as Array<Record<string, unknown>>) : [];
    const postcode = addresses.find((a) => typeof a?.['postal_code'] === 'string')?.['postal_code'];
    if (typeof postcode === 'string') derived.postcode = normalisePostcode(postcode);
  }
  if (table === 'organizations') {
    const identifiers = Array.isArray(r['organization_identifiers'])
      ? (r['organization_identifiers'] as Array<Record<string, unknown>>)
      : [];
    const ods = identifiers.find((i) => i?.['identifier_scheme'] === ODS_IDENTIFIER_SCHEME)?.['identifier'];
    const charity = identifiers.find((i) => i?.['identifier_scheme'] === CHARITY_IDENTIFIER_SCHEME)?.[
      'identifier'
    ];
    if (typeof ods === 'string') derived.odsCode = ods;
    if (typeof charity === 'string') derived.charityNumber = charity;
  }
  return derived;
}

/**
 * organization_identifiers.identifier_scheme of an organisation's directory slug (our own scheme:
 * the slug resolves on the management API, `/v1/directory/organizations/{slug}`).
 */
export const SLUG_IDENTIFIER_SCHEME = 'https://socialprescribing.example.org/Id/directory-slug';
/** organization_identifiers.identifier_scheme of an NHS ODS code (the FHIR identifier system). */
export const ODS_IDENTIFIER_SCHEME = 'https://fhir.nhs.uk/Id/ods-organization-code';
/** organization_identifiers.identifier_scheme of a Charity Commission (England and Wales) number (org-id.guide). */
export const CHARITY_IDENTIFIER_SCHEME = 'GB-CHC';
