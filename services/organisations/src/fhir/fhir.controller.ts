import { Controller, Get, Header, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Filter } from 'mongodb';
import { DomainError, ValidationError, type FieldProblem } from '@sp/errors';
import { Public } from '@sp/identity';
import type { StoredRecord } from '../hsds/domain/hsds-record';
import { HsdsStoreRepository } from '../hsds/hsds-store.repository';
import { FHIR_JSON, fhirOrganization, healthcareService, searchset } from './fhir-mapping';
import { capabilityStatement } from './capability-statement';
import { recordIdOf } from '../hsds/domain/record-ids';

type Resource = Record<string, unknown>;
type RawQuery = Record<string, unknown>;
const NO_OUTBOX = { projection: { outbox: 0 } };

function one(raw: RawQuery, name: string, problems: FieldProblem[]): string | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) {
    problems.push({ field: name, code: 'invalid', message: `${name} must be given once, 1-200 characters` });
    return undefined;
  }
  return v;
}

function count(raw: RawQuery, problems: FieldProblem[]): { count: number; offset: number } {
  const parse = (name: string, fallback: number, min: number, max: number): number => {
    const v = one(raw, name, problems);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      problems.push({
        field: name,
        code: 'invalid',
        message: `${name} must be an integer from ${min} to ${max}`,
      });
      return fallback;
    }
    return n;
  };
  return { count: parse('_count', 50, 1, 200), offset: parse('_offset', 0, 0, 1_000_000) };
}

/** `system|code`, `|code` or `code` -> its parts. */
function token(value: string): { system?: string; code: string } {
  const bar = value.indexOf('|');
  if (bar === -1) return { code: value };
  return { ...(bar > 0 ? { system: value.slice(0, bar) } : {}), code: value.slice(bar + 1) };
}

/**
 * FHIR R4 read facade over the directory: HealthcareService and Organization, read and search,
 * searchset bundles, OperationOutcome errors (rendered by fhirErrorRenderer). Public, like the
 * HSDS read API. A withdrawn service still reads (active: false) so references stay resolvable.
 */
@ApiTags('fhir')
@Public()
@Controller('fhir')
export class FhirController {
  constructor(private readonly store: HsdsStoreRepository) {}

  private base(req: Request): string {
    return `${req.protocol}://${req.get('host') ?? 'localhost'}/fhir`;
  }

  /** Code and name of each taxonomy term, by its id (UUID). */
  private async termNames(ids: string[]): Promise<Map<string, { code: string; name: string }>> {
    if (ids.length === 0) return new Map();
    const terms = await this.store
      .collection('taxonomy_terms')
      .find({ _id: { $in: [...new Set(ids)] } })
      .toArray();
    return new Map(
      terms.map((t) => [t._id, { code: String(t['code'] ?? t._id), name: String(t['name'] ?? t._id) }]),
    );
  }

  private async suspended(): Promise<string[]> {
    const docs = await this.store
      .collection('organizations')
      .find({ 'sp.status': 'suspended' }, { projection: { _id: 1 } })
      .toArray();
    return docs.map((d) => d._id);
  }

  @Get('metadata')
  @Header('Content-Type', FHIR_JSON)
  @ApiProduces(FHIR_JSON)
  @ApiOperation({ summary: 'The CapabilityStatement of this FHIR R4 facade' })
  metadata(@Req() req: Request): Resource {
    return capabilityStatement(this.base(req));
  }

  @Get('HealthcareService/:id')
  @Header('Content-Type', FHIR_JSON)
  @ApiProduces(FHIR_JSON)
  @ApiOperation({ summary: 'Read a directory service as a FHIR HealthcareService' })
  async readService(@Param('id') id: string): Promise<Resource> {
    const service = await this.store.find('services', id);
    if (!service)
      throw new DomainError('FHIR.NOT_FOUND', `HealthcareService/${id} is not known`, { status: 404 });
    const org = await this.store.find('organizations', String(service['organization_id'] ?? ''));
    return healthcareService(service, org, await this.termNames(service.sp?.taxonomyTermIds ?? []));
  }

  @Get('HealthcareService')
  @Header('Content-Type', FHIR_JSON)
  @ApiProduces(FHIR_JSON)
  @ApiOperation({
    summary: 'Search HealthcareService by organization, service-category and active (_count, _offset)',
  })
  async searchServices(@Query() raw: RawQuery, @Req() req: Request): Promise<Resource> {
    const problems: FieldProblem[] = [];
    const organization = one(raw, 'organization', problems);
    const category = one(raw, 'service-category', problems);
    const active = one(raw, 'active', problems);
    if (active !== undefined && active !== 'true' && active !== 'false') {
      problems.push({ field: 'active', code: 'invalid', message: 'active must be true or false' });
    }
    const paging = count(raw, problems);
    if (problems.length > 0) throw new ValidationError('The search parameters are invalid', problems);

    const and: Filter<StoredRecord>[] = [];
    if (organization)
      and.push({ organization_id: recordIdOf('organizations', organization.replace(/^Organization\//, '')) });
    // A need code names its platform taxonomy term (its UUID is derived from the code).
    if (category) and.push({ 'sp.taxonomyTermIds': recordIdOf('taxonomy_terms', token(category).code) });
    if (active !== undefined) {
      const suspended = await this.suspended();
      const listed: Filter<StoredRecord> = {
        $and: [
          { status: 'active' },
          { 'sp.publication': { $ne: 'withdrawn' } },
          { organization_id: { $nin: suspended } },
        ],
      };
      const unlisted: Filter<StoredRecord> = {
        $or: [
          { status: { $ne: 'active' } },
          { 'sp.publication': 'withdrawn' },
          { organization_id: { $in: suspended } },
        ],
      };
      and.push(active === 'true' ? listed : unlisted);
    }
    const filter: Filter<StoredRecord> = and.length > 0 ? { $and: and } : {};
    const services = this.store.collection('services');
    const [total, docs] = await Promise.all([
      services.countDocuments(filter),
      services.find(filter, NO_OUTBOX).sort({ _id: 1 }).skip(paging.offset).limit(paging.count).toArray(),
    ]);
    const orgIds = [...new Set(docs.map((d) => String(d['organization_id'] ?? '')))];
    const orgs = await this.store
      .collection('organizations')
      .find({ _id: { $in: orgIds } }, NO_OUTBOX)
      .toArray();
    const orgById = new Map(orgs.map((o) => [o._id, o]));
    const names = await this.termNames(docs.flatMap((d) => d.sp?.taxonomyTermIds ?? []));
    const resources = docs.map((d) =>
      healthcareService(d, orgById.get(String(d['organization_id'])) ?? null, names),
    );
    return searchset(this.base(req), resources, total, `${this.base(req)}${req.url.replace(/^\/fhir/, '')}`);
  }

  @Get('Organization/:id')
  @Header('Content-Type', FHIR_JSON)
  @ApiProduces(FHIR_JSON)
  @ApiOperation({ summary: 'Read a directory organisation as a FHIR Organization' })
  async readOrganization(@Param('id') id: string): Promise<Resource> {
    const org = await this.store.find('organizations', id);
    if (!org) throw new DomainError('FHIR.NOT_FOUND', `Organization/${id} is not known`, { status: 404 });
    return fhirOrganization(org);
  }

  @Get('Organization')
  @Header('Content-Type', FHIR_JSON)
  @ApiProduces(FHIR_JSON)
  @ApiOperation({ summary: 'Search Organization by identifier (ODS code, charity number or platform id)' })
  async searchOrganizations(@Query() raw: RawQuery, @Req() req: Request): Promise<Resource> {
    const problems: FieldProblem[] = [];
    const identifier = one(raw, 'identifier', problems);
    const paging = count(raw, problems);
    if (problems.length > 0) throw new ValidationError('The search parameters are invalid', problems);
    let filter: Filter<StoredRecord> = {};
    if (identifier) {
      const { system, code } = token(identifier);
      const bySystem: Record<string, Filter<StoredRecord>> = {
        'https://fhir.nhs.uk/Id/ods-organization-code': { 'sp.odsCode': code },
        'http://org-id.guide/list/GB-CHC': { 'sp.charityNumber': code },
        'https://socialprescribing.example.org/Id/organisation': { _id: recordIdOf('organizations', code) },
      };
      if (system !== undefined && !(system in bySystem)) {
        throw new ValidationError('The search parameters are invalid', [
          {
            field: 'identifier',
            code: 'unknown_system',
            message: `identifier system must be one of: ${Object.keys(bySystem).join(', ')}`,
          },
        ]);
      }
      filter = system ? bySystem[system]! : { $or: Object.values(bySystem) };
    }
    const orgs = this.store.collection('organizations');
    const [total, docs] = await Promise.all([
      orgs.countDocuments(filter),
      orgs.find(filter, NO_OUTBOX).sort({ _id: 1 }).skip(paging.offset).limit(paging.count).toArray(),
    ]);
    return searchset(
      this.base(req),
      docs.map(fhirOrganization),
      total,
      `${this.base(req)}${req.url.replace(/^\/fhir/, '')}`,
    );
  }
}
