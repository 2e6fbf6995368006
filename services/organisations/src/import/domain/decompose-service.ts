import type { HsdsTable } from '../../hsds/hsds-store.port';
import type { HsdsObjectName } from './hsds-objects.schema';
import type { QuarantineReason, ReasonCode } from './quarantine-reason';
import { isPlainObject, validateHsdsObject } from './validate-hsds-object';

/** A reference from a record to another record that must exist (in this import or in the store). */
export interface RecordRef {
  field: string;
  table: HsdsTable;
  id: string;
  /** What to report when it does not resolve. */
  code: Extract<ReasonCode, 'unknown-taxonomy-term' | 'broken-reference'>;
}

/** One record to store, with its own problems and the references still to resolve. */
export interface Candidate {
  table: HsdsTable;
  id: string | null;
  record: Record<string, unknown>;
  reasons: QuarantineReason[];
  refs: RecordRef[];
}

/** Tables in the order their records are written, so a record's references are written first. */
export const WRITE_ORDER: readonly HsdsTable[] = [
  'taxonomies',
  'taxonomy_terms',
  'organizations',
  'locations',
  'services',
  'service_at_locations',
];

const OBJECT_OF: Record<HsdsTable, HsdsObjectName> = {
  taxonomies: 'taxonomy',
  taxonomy_terms: 'taxonomy_term',
  organizations: 'organization',
  locations: 'location',
  services: 'service',
  service_at_locations: 'service_at_location',
};

function idOf(record: Record<string, unknown>): string | null {
  return typeof record['id'] === 'string' && record['id'].trim() !== '' ? record['id'] : null;
}

class Decomposition {
  readonly candidates: Candidate[] = [];

  /**
   * Validates one HSDS object as a record of `table` (after its extracted parts are taken out) and
   * collects the taxonomy terms its attributes point at. `path` is where it sat in the input.
   */
  add(table: HsdsTable, record: Record<string, unknown>, path: string, refs: RecordRef[] = []): Candidate {
    this.extractTerms(record, path);
    const candidate: Candidate = { table, id: idOf(record), record, reasons: [], refs: [...refs] };
    candidate.reasons = validateHsdsObject(OBJECT_OF[table], record, path, {
      onNested: (name, value, at) => {
        if (name !== 'attribute') return;
        const termId = value['taxonomy_term_id'];
        if (typeof termId === 'string' && termId !== '') {
          candidate.refs.push({
            field: `${at}.taxonomy_term_id`,
            table: 'taxonomy_terms',
            id: termId,
            code: 'unknown-taxonomy-term',
          });
        }
      },
    });
    this.candidates.push(candidate);
    return candidate;
  }

  /** Moves every attribute's embedded taxonomy_term (and its taxonomy_detail) to its own record. */
  private extractTerms(value: unknown, path: string): void {
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i: number) => this.extractTerms(item, `${path}[${i}]`));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (key === 'attributes' && Array.isArray(child)) {
        child.forEach((attribute: unknown, i: number) => {
          if (isPlainObject(attribute) && isPlainObject(attribute['taxonomy_term'])) {
            this.extractTerm(attribute, `${childPath}[${i}]`);
          }
        });
      }
      if (typeof child === 'object' && child !== null) this.extractTerms(child, childPath);
    }
  }

  private extractTerm(attribute: Record<string, unknown>, path: string): void {
    const term = attribute['taxonomy_term'] as Record<string, unknown>;
    delete attribute['taxonomy_term'];
    const termPath = `${path}.taxonomy_term`;
    const linked = attribute['taxonomy_term_id'];
    if (term['id'] === undefined && typeof linked === 'string') term['id'] = linked;
    if (linked === undefined && typeof term['id'] === 'string') attribute['taxonomy_term_id'] = term['id'];
    const detail = term['taxonomy_detail'];
    const refs: RecordRef[] = [];
    if (isPlainObject(detail)) {
      delete term['taxonomy_detail'];
      if (term['taxonomy_id'] === undefined && typeof detail['id'] === 'string')
        term['taxonomy_id'] = detail['id'];
      this.add('taxonomies', detail, `${termPath}.taxonomy_detail`);
    }
    if (typeof term['taxonomy_id'] === 'string') {
      refs.push({
        field: `${termPath}.taxonomy_id`,
        table: 'taxonomies',
        id: term['taxonomy_id'],
        code: 'broken-reference',
      });
    }
    this.add('taxonomy_terms', term, termPath, refs);
  }
}

function inconsistent(field: string, message: string): QuarantineReason {
  return { field, code: 'inconsistent-reference', message };
}

/**
 * Splits one service in the nested HSDS 3.0 API shape into the records the store keeps in separate
 * tables: its organization, the locations and service_at_locations of `service_at_locations[]`, the
 * taxonomy terms (and taxonomies) embedded in attributes, and the service itself with
 * `organization_id` instead of `organization`. Each record carries its own validation problems
 * and the references to resolve; a bad part (a location out of range) does not condemn the rest
 * unless the rest points at it.
 */
export function decomposeService(input: unknown): Candidate[] {
  const parts = new Decomposition();
  if (!isPlainObject(input)) {
    parts.candidates.push({
      table: 'services',
      id: null,
      record: {},
      reasons: [{ field: '', code: 'not-an-object', message: 'Each element must be an HSDS service object' }],
      refs: [],
    });
    return parts.candidates;
  }
  const service = { ...input };
  const serviceId = idOf(service);
  const serviceReasons: QuarantineReason[] = [];
  const serviceRefs: RecordRef[] = [];

  const organization = service['organization'];
  delete service['organization'];
  if (isPlainObject(organization)) {
    const orgLocations = organization['locations'];
    delete organization['locations'];
    if (Array.isArray(orgLocations)) {
      orgLocations.forEach((location: unknown, i: number) => {
        if (isPlainObject(location)) parts.add('locations', location, `organization.locations[${i}]`);
      });
    }
    const org = parts.add('organizations', organization, 'organization');
    if (service['organization_id'] === undefined && org.id !== null) service['organization_id'] = org.id;
    else if (org.id !== null && service['organization_id'] !== org.id) {
      serviceReasons.push(
        inconsistent('organization_id', 'service.organization_id differs from service.organization.id'),
      );
    }
  } else if (organization !== undefined && organization !== null) {
    serviceReasons.push({
      field: 'organization',
      code: 'bad-type',
      message: 'service.organization must be an object',
    });
  }
  if (typeof service['organization_id'] === 'string') {
    serviceRefs.push({
      field: 'organization_id',
      table: 'organizations',
      id: service['organization_id'],
      code: 'broken-reference',
    });
  }

  const sals = service['service_at_locations'];
  delete service['service_at_locations'];
  if (Array.isArray(sals)) {
    sals.forEach((sal: unknown, i: number) => decomposeSal(parts, sal, i, serviceId));
  } else if (sals !== undefined && sals !== null) {
    serviceReasons.push({
      field: 'service_at_locations',
      code: 'bad-type',
      message: 'service.service_at_locations must be an array',
    });
  }

  const candidate = parts.add('services', service, '', serviceRefs);
  candidate.reasons.unshift(...serviceReasons);
  return parts.candidates;
}

function decomposeSal(parts: Decomposition, sal: unknown, i: number, serviceId: string | null): void {
  const path = `service_at_locations[${i}]`;
  if (!isPlainObject(sal)) {
    parts.candidates.push({
      table: 'service_at_locations',
      id: null,
      record: {},
      reasons: [
        { field: path, code: 'not-an-object', message: 'Each service_at_location must be an object' },
      ],
      refs: [],
    });
    return;
  }
  const record = { ...sal };
  const reasons: QuarantineReason[] = [];
  const location = record['location'];
  delete record['location'];
  if (isPlainObject(location)) {
    const loc = parts.add('locations', location, `${path}.location`);
    if (record['location_id'] === undefined && loc.id !== null) record['location_id'] = loc.id;
    else if (loc.id !== null && record['location_id'] !== loc.id) {
      reasons.push(
        inconsistent(`${path}.location_id`, 'service_at_location.location_id differs from its location.id'),
      );
    }
  }
  if (record['service_id'] === undefined && serviceId !== null) record['service_id'] = serviceId;
  else if (serviceId !== null && record['service_id'] !== serviceId) {
    reasons.push(
      inconsistent(
        `${path}.service_id`,
        'service_at_location.service_id differs from the service it is nested in',
      ),
    );
  }
  const refs: RecordRef[] = [];
  for (const [field, table] of [
    ['service_id', 'services'],
    ['location_id', 'locations'],
  ] as const) {
    const ref = record[field];
    if (typeof ref === 'string')
      refs.push({ field: `${path}.${field}`, table, id: ref, code: 'broken-reference' });
    else if (ref === undefined) {
      reasons.push({
        field: `${path}.${field}`,
        code: 'missing-required-field',
        message: `service_at_location.${field} is required to link a service to a location`,
      });
    }
  }
  const candidate = parts.add('service_at_locations', record, path, refs);
  candidate.reasons.unshift(...reasons);
}

/**
 * A flat record of one table (CSV rows, or top-level records of other kinds), validated the same
 * way, with the references its table implies.
 */
export function decomposeFlat(table: HsdsTable, record: Record<string, unknown>): Candidate[] {
  const parts = new Decomposition();
  const refs: RecordRef[] = [];
  const refer = (field: string, target: HsdsTable): void => {
    const v = record[field];
    if (typeof v === 'string' && v !== '')
      refs.push({ field, table: target, id: v, code: 'broken-reference' });
  };
  if (table === 'services') refer('organization_id', 'organizations');
  if (table === 'service_at_locations') {
    refer('service_id', 'services');
    refer('location_id', 'locations');
  }
  if (table === 'taxonomy_terms') refer('taxonomy_id', 'taxonomies');
  if (table === 'locations') refer('organization_id', 'organizations');
  parts.add(table, record, '', refs);
  return parts.candidates;
}
