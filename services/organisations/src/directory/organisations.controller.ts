import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@sp/errors';
import { parseListQuery, type RawQuery } from '../hsds/domain/hsds-query';
import type { StoredRecord } from '../hsds/domain/hsds-record';
import { HsdsStoreRepository } from '../hsds/hsds-store.repository';

interface OrganisationView {
  id: string;
  name: string;
  kind: string;
  odsCode?: string;
  status: string;
  services: Array<{ id: string; name: string; status: string; taxonomyTermIds: string[] }>;
}

/**
 * The platform's compact view of organisations and their services (authenticated clients), read
 * from the HSDS tables. The HSDS read API under /hsds is the standard one; this view stays for
 * clients that want kind, ODS code and suspension status in one call.
 */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly store: HsdsStoreRepository) {}

  @Get()
  @ApiOperation({ summary: 'List organisations with their services' })
  async list(@Query() raw: RawQuery): Promise<{
    total_items: number;
    page_number: number;
    size: number;
    contents: OrganisationView[];
  }> {
    const q = parseListQuery(raw, []);
    const organisations = this.store.collection('organizations');
    const [items, total] = await Promise.all([
      organisations
        .find({}, { projection: { outbox: 0 } })
        .sort({ _id: 1 })
        .skip((q.page - 1) * q.perPage)
        .limit(q.perPage)
        .toArray(),
      organisations.countDocuments({}),
    ]);
    const contents = await Promise.all(items.map(async (org) => view(org, await this.servicesOf(org._id))));
    return { total_items: total, page_number: q.page, size: q.perPage, contents };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation with its services' })
  async get(@Param('id') id: string): Promise<OrganisationView> {
    const org = await this.store.find('organizations', id);
    if (!org)
      throw new DomainError('ORGANISATION.NOT_FOUND', `Organisation ${id} not found`, { status: 404 });
    return view(org, await this.servicesOf(org._id));
  }

  private servicesOf(organisationId: string): Promise<StoredRecord[]> {
    return this.store
      .collection('services')
      .find(
        { organization_id: organisationId, 'sp.publication': { $ne: 'withdrawn' } },
        { projection: { outbox: 0 } },
      )
      .sort({ _id: 1 })
      .toArray();
  }
}

function view(org: StoredRecord, services: StoredRecord[]): OrganisationView {
  return {
    id: org._id,
    name: String(org['name'] ?? ''),
    kind: org.sp?.kind ?? 'vcs',
    ...(org.sp?.odsCode ? { odsCode: org.sp.odsCode } : {}),
    status: org.sp?.status ?? 'active',
    services: services.map((s) => ({
      id: s._id,
      name: String(s['name'] ?? ''),
      status: String(s['status'] ?? ''),
      taxonomyTermIds: s.sp?.taxonomyTermIds ?? [],
    })),
  };
}
