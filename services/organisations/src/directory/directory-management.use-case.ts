import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { DomainError, ValidationError, type FieldProblem } from '@sp/errors';
import type { Principal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import type { StoredRecord } from '../hsds/domain/hsds-record';
import { hsdsContent } from '../hsds/domain/hsds-record';
import { parseListQuery, type RawQuery } from '../hsds/domain/hsds-query';
import { organizationView, recordView, type Json } from '../hsds/domain/hsds-views';
import { HsdsStoreRepository, type DecideWrite, type StoredWrite } from '../hsds/hsds-store.repository';
import type { HsdsTable, Provenance } from '../hsds/hsds-store.port';
import { DirectoryChanges } from '../signals/directory-changes';
import {
  CreateLocationBody,
  EmptyBody,
  LinkServiceAtLocationBody,
  PublishServiceBody,
  RegisterOrganisationBody,
  SuspendOrganisationBody,
  UpdateLocationBody,
  UpdateOrganisationBody,
  UpdateServiceBody,
} from './directory-requests.schema';
import { assertCanManage, assertOps } from './domain/directory-access';
import { locationRuleProblems, serviceRuleProblems, unknownTermProblems } from './domain/directory-rules';
import {
  managedOrganisation,
  managedService,
  managementPage,
  recordIdProblems,
  suspendedAt,
  type ManagementPage,
} from './domain/management-views';
import {
  locationRecord,
  organisationRecord,
  serviceAtLocationRecord,
  serviceRecord,
} from './domain/hsds-mapping';
import { actingPerson } from '../audit/acting-person';

const v = {
  registerOrganisation: schemaValidator(RegisterOrganisationBody),
  updateOrganisation: schemaValidator(UpdateOrganisationBody),
  suspend: schemaValidator(SuspendOrganisationBody),
  empty: schemaValidator(EmptyBody),
  publishService: schemaValidator(PublishServiceBody),
  updateService: schemaValidator(UpdateServiceBody),
  createLocation: schemaValidator(CreateLocationBody),
  updateLocation: schemaValidator(UpdateLocationBody),
  link: schemaValidator(LinkServiceAtLocationBody),
};

export interface ManagementResult {
  created: boolean;
  body: Json;
}

function notFound(kind: string, id: string): DomainError {
  return new DomainError(`DIRECTORY.${kind.toUpperCase()}_NOT_FOUND`, `No ${kind} with id ${id}`, {
    status: 404,
  });
}

function conflict(kind: string, id: string): DomainError {
  return new DomainError('DIRECTORY.CONFLICT', `A ${kind} with id ${id} already exists`, {
    status: 409,
    problems: [
      { field: 'id', code: 'exists', message: `${kind} ${id} already exists; use PUT to change it` },
    ],
  });
}

const NO_OUTBOX = { outbox: 0, outboxPending: 0, outboxRelayPass: 0 };

function assertValidPathId(id: string): void {
  const problems = recordIdProblems(id);
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
}

/** Rule problems (400) and reference problems (422) in one answer naming every field. */
function rejectIfAny(ruleProblems: FieldProblem[], referenceProblems: FieldProblem[]): void {
  const all = [...ruleProblems, ...referenceProblems];
  if (all.length === 0) return;
  throw new ValidationError('The directory entry is invalid', all, {
    status: ruleProblems.length > 0 ? 400 : 422,
  });
}

function reference(field: string, kind: string, id: string): FieldProblem {
  return { field, code: 'unknown', message: `${kind} ${id} does not exist` };
}

/**
 * The management API's use cases. Each one checks the body's shape (400, every field named), who
 * may act (403), the rules and references (400/422), and only then writes, through the HSDS store,
 * so the change, its provenance and its directory events are written together. What a write
 * decides from the stored record (that it exists or not, who owns it, the content a suspension or
 * withdrawal keeps) is decided again inside the store's transaction on the record it replaces,
 * so a concurrent write of the same record (another request, another instance) is never undone.
 */
@Injectable()
export class DirectoryManagement {
  constructor(
    private readonly store: HsdsStoreRepository,
    @Optional() private readonly changes?: DirectoryChanges,
  ) {}

  /** The store's write, then the in-process notifier (matching follows it at once). */
  private async write(
    table: HsdsTable,
    id: string,
    principal: Principal,
    decide: DecideWrite,
  ): Promise<StoredWrite> {
    const result = await this.store.writeWith(table, id, this.provenance(principal), decide);
    if (result.outcome !== 'unchanged') this.changes?.recordsChanged(table, [result.record._id]);
    return result;
  }

  private provenance(principal: Principal): Provenance {
    const person = actingPerson(principal);
    return { updatedBy: principal.clientId, source: 'management-api', ...(person ? { person } : {}) };
  }

  private async mustFind(table: HsdsTable, kind: string, id: string): Promise<StoredRecord> {
    const found = await this.store.find(table, id);
    if (!found) throw notFound(kind, id);
    return found;
  }

  async registerOrganisation(principal: Principal, raw: unknown): Promise<ManagementResult> {
    assertOps(principal);
    const body = v.registerOrganisation.parse(raw);
    const id = body.id ?? randomUUID();
    if ((await this.store.existing('organizations', [id])).has(id)) throw conflict('organization', id);
    const { record } = await this.write('organizations', id, principal, (previous) => {
      if (previous) throw conflict('organization', id);
      return { ...organisationRecord(id, body), sp: { kind: body.kind, status: 'active' } };
    });
    return { created: true, body: organizationView(record, undefined) };
  }

  async updateOrganisation(principal: Principal, id: string, raw: unknown): Promise<ManagementResult> {
    const body = v.updateOrganisation.parse(raw);
    const { record } = await this.write('organizations', id, principal, (existing) => {
      if (!existing) throw notFound('organization', id);
      assertCanManage(principal, id);
      if (body.kind !== undefined && body.kind !== existing.sp?.kind) assertOps(principal);
      return { ...organisationRecord(id, body), ...(body.kind ? { sp: { kind: body.kind } } : {}) };
    });
    return { created: false, body: organizationView(record, undefined) };
  }

  async setSuspended(
    principal: Principal,
    id: string,
    suspend: boolean,
    raw: unknown,
  ): Promise<ManagementResult> {
    assertOps(principal);
    const reasonCode = suspend
      ? v.suspend.parse(raw ?? {}).reasonCode
      : (v.empty.parse(raw ?? {}), undefined);
    const { record } = await this.write('organizations', id, principal, (existing) => {
      if (!existing) throw notFound('organization', id);
      // Only the status changes: the content is the record's as stored now.
      return {
        ...hsdsContent(existing),
        sp: suspend ? { status: 'suspended', suspensionReason: reasonCode } : { status: 'active' },
      };
    });
    return { created: false, body: organizationView(record, undefined) };
  }

  private async serviceChecks(
    body: { organization_id: string; attributes?: Array<{ taxonomy_term_id: string }> } & Parameters<
      typeof serviceRuleProblems
    >[0],
  ): Promise<void> {
    const [orgs, terms] = await Promise.all([
      this.store.existing('organizations', [body.organization_id]),
      this.store.existing(
        'taxonomy_terms',
        (body.attributes ?? []).map((a) => a.taxonomy_term_id),
      ),
    ]);
    rejectIfAny(serviceRuleProblems(body), [
      ...(orgs.has(body.organization_id)
        ? []
        : [reference('organization_id', 'organization', body.organization_id)]),
      ...unknownTermProblems(body.attributes, terms),
    ]);
  }

  /** Publishes a new service, or publishes again a withdrawn one with this id. */
  async publishService(principal: Principal, raw: unknown): Promise<ManagementResult> {
    const body = v.publishService.parse(raw);
    assertCanManage(principal, body.organization_id);
    const id = body.id ?? randomUUID();
    const existing = body.id ? await this.store.find('services', id) : null;
    if (existing) {
      assertCanManage(principal, String(existing['organization_id']));
      if (existing.sp?.publication !== 'withdrawn') throw conflict('service', id);
    }
    await this.serviceChecks(body);
    const { id: _omit, ...fields } = body;
    const { outcome, record } = await this.write('services', id, principal, (previous) => {
      if (previous) {
        assertCanManage(principal, String(previous['organization_id']));
        if (previous.sp?.publication !== 'withdrawn') throw conflict('service', id);
      }
      return { ...serviceRecord(id, fields), sp: { publication: 'published' } };
    });
    return { created: outcome === 'created', body: managedService(record) };
  }

  async updateService(principal: Principal, id: string, raw: unknown): Promise<ManagementResult> {
    const body = v.updateService.parse(raw);
    const existing = await this.mustFind('services', 'service', id);
    assertCanManage(principal, String(existing['organization_id']));
    assertCanManage(principal, body.organization_id);
    await this.serviceChecks(body);
    const { record } = await this.write('services', id, principal, (current) => {
      if (!current) throw notFound('service', id);
      assertCanManage(principal, String(current['organization_id']));
      return serviceRecord(id, body);
    });
    return { created: false, body: managedService(record) };
  }

  async withdrawService(principal: Principal, id: string, raw: unknown): Promise<ManagementResult> {
    v.empty.parse(raw ?? {});
    const { record } = await this.write('services', id, principal, (existing) => {
      if (!existing) throw notFound('service', id);
      assertCanManage(principal, String(existing['organization_id']));
      // Only the publication changes: the content is the record's as stored now.
      return { ...hsdsContent(existing), sp: { publication: 'withdrawn' } };
    });
    return { created: false, body: managedService(record) };
  }

  private async locationChecks(body: Omit<CreateLocationBody, 'id'>): Promise<void> {
    const orgs = await this.store.existing('organizations', [body.organization_id]);
    rejectIfAny(
      locationRuleProblems(body),
      orgs.has(body.organization_id)
        ? []
        : [reference('organization_id', 'organization', body.organization_id)],
    );
  }

  async createLocation(principal: Principal, raw: unknown): Promise<ManagementResult> {
    const body = v.createLocation.parse(raw);
    assertCanManage(principal, body.organization_id);
    const id = body.id ?? randomUUID();
    if ((await this.store.existing('locations', [id])).has(id)) throw conflict('location', id);
    await this.locationChecks(body);
    const { id: _omit, ...fields } = body;
    const { record } = await this.write('locations', id, principal, (previous) => {
      if (previous) throw conflict('location', id);
      return locationRecord(id, fields);
    });
    return { created: true, body: recordView(record) };
  }

  async updateLocation(principal: Principal, id: string, raw: unknown): Promise<ManagementResult> {
    const body = v.updateLocation.parse(raw);
    const existing = await this.mustFind('locations', 'location', id);
    assertCanManage(principal, String(existing['organization_id'] ?? ''));
    assertCanManage(principal, body.organization_id);
    await this.locationChecks(body);
    const { record } = await this.write('locations', id, principal, (current) => {
      if (!current) throw notFound('location', id);
      assertCanManage(principal, String(current['organization_id'] ?? ''));
      return locationRecord(id, body);
    });
    return { created: false, body: recordView(record) };
  }

  /** Links a service to a location (any existing location: a shared venue may host many organisations). */
  async linkServiceAtLocation(principal: Principal, raw: unknown): Promise<ManagementResult> {
    const body = v.link.parse(raw);
    const service = await this.store.find('services', body.service_id);
    if (service) assertCanManage(principal, String(service['organization_id']));
    const locations = await this.store.existing('locations', [body.location_id]);
    rejectIfAny(
      [],
      [
        ...(service ? [] : [reference('service_id', 'service', body.service_id)]),
        ...(locations.has(body.location_id) ? [] : [reference('location_id', 'location', body.location_id)]),
      ],
    );
    const record = serviceAtLocationRecord(body);
    const serviceId = service?._id;
    const existing = await this.store.find('service_at_locations', record.id);
    if (existing && existing['service_id'] !== serviceId) throw conflict('service_at_location', record.id);
    const result = await this.write('service_at_locations', record.id, principal, (current) => {
      if (current && current['service_id'] !== serviceId) throw conflict('service_at_location', record.id);
      return record;
    });
    return { created: result.outcome === 'created', body: recordView(result.record) };
  }

  async unlinkServiceAtLocation(principal: Principal, id: string): Promise<void> {
    const link = await this.mustFind('service_at_locations', 'service_at_location', id);
    const service = await this.store.find('services', String(link['service_id']));
    if (principal.role !== 'ops') assertCanManage(principal, String(service?.['organization_id'] ?? ''));
    await this.store.remove('service_at_locations', link._id, this.provenance(principal));
    this.changes?.recordsChanged('service_at_locations', [link._id]);
  }

  // Reads: the directory as its managers see it (withdrawn services, suspended organisations
  // included). Who may read is who may write: the id is checked (400), the record found (404),
  // then the caller must manage its organisation (403), as the writes do.

  async getOrganisation(principal: Principal, id: string): Promise<Json> {
    assertValidPathId(id);
    const organisation = await this.mustFind('organizations', 'organization', id);
    assertCanManage(principal, organisation._id);
    const since =
      organisation.sp?.status === 'suspended' ? await this.suspendedSince(organisation._id) : undefined;
    return managedOrganisation(organisation, since);
  }

  /** Every service of the organisation, withdrawn ones too, by id, paged as `/v1/organisations`. */
  async listOrganisationServices(
    principal: Principal,
    id: string,
    raw: RawQuery,
  ): Promise<ManagementPage<Json>> {
    const problems = recordIdProblems(id);
    let paging: ReturnType<typeof parseListQuery> | undefined;
    try {
      paging = parseListQuery(raw, []);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
    if (problems.length > 0 || !paging) throw new ValidationError('The request is invalid', problems);
    const organisation = await this.mustFind('organizations', 'organization', id);
    assertCanManage(principal, organisation._id);
    // organization_id is indexed (by_organization): the count and the page read that index.
    const services = this.store.collection('services');
    const filter = { organization_id: organisation._id };
    const [total, docs] = await Promise.all([
      services.countDocuments(filter),
      services
        .find(filter, { projection: NO_OUTBOX })
        .sort({ _id: 1 })
        .skip((paging.page - 1) * paging.perPage)
        .limit(paging.perPage)
        .toArray(),
    ]);
    return managementPage(docs.map(managedService), total, paging);
  }

  async getService(principal: Principal, id: string): Promise<Json> {
    assertValidPathId(id);
    const service = await this.mustFind('services', 'service', id);
    assertCanManage(principal, String(service['organization_id'] ?? ''));
    return managedService(service);
  }

  async getLocation(principal: Principal, id: string): Promise<Json> {
    assertValidPathId(id);
    const location = await this.mustFind('locations', 'location', id);
    assertCanManage(principal, String(location['organization_id'] ?? ''));
    return recordView(location);
  }

  /** When the organisation last became suspended, from its provenance rows (by_resource index). */
  private async suspendedSince(id: string): Promise<string | undefined> {
    const rows = await this.store.metadata
      .find(
        { resource_id: id, resource_type: 'organization', field_name: 'sp.status' },
        { projection: { field_name: 1, replacement_value: 1, last_action_date: 1 } },
      )
      .toArray();
    return suspendedAt(rows);
  }
}
