import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@sp/errors';
import { DirectoryRepository } from './directory.repository';
import type { OrganisationDocument, ServiceDocument } from './organisation.entity';

interface OrganisationView {
  id: string;
  name: string;
  kind: string;
  odsCode?: string;
  status: string;
  services: Array<{ id: string; name: string; status: string; taxonomyTermIds: string[] }>;
}

/** Read side of the directory for authenticated clients. The full HSDS API is its own issue. */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly directory: DirectoryRepository) {}

  @Get()
  @ApiOperation({ summary: 'List organisations with their services' })
  async list(
    @Query('page') pageText?: string,
    @Query('size') sizeText?: string,
  ): Promise<{
    total_items: number;
    page_number: number;
    size: number;
    contents: OrganisationView[];
  }> {
    const page = parsePositive('page', pageText, 1);
    const size = Math.min(parsePositive('size', sizeText, 50), 200);
    const { items, total } = await this.directory.listOrganisations(size, (page - 1) * size);
    const contents = await Promise.all(
      items.map(async (org) => view(org, await this.directory.servicesOf(org._id))),
    );
    return { total_items: total, page_number: page, size, contents };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation with its services' })
  async get(@Param('id') id: string): Promise<OrganisationView> {
    const org = await this.directory.findOrganisation(id);
    if (!org)
      throw new DomainError('ORGANISATION.NOT_FOUND', `Organisation ${id} not found`, { status: 404 });
    return view(org, await this.directory.servicesOf(id));
  }
}

function parsePositive(field: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('VALIDATION.FAILED', 'Invalid query parameter', {
      status: 400,
      problems: [{ field, code: 'invalid', message: `${field} must be a positive integer` }],
      retriable: false,
    });
  }
  return value;
}

function view(org: OrganisationDocument, services: ServiceDocument[]): OrganisationView {
  return {
    id: org._id,
    name: org.name,
    kind: org.kind,
    ...(org.odsCode ? { odsCode: org.odsCode } : {}),
    status: org.status,
    services: services.map((s) => ({
      id: s._id,
      name: s.name,
      status: s.status,
      taxonomyTermIds: s.taxonomyTermIds,
    })),
  };
}
