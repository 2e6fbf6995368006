import { Controller, Get, Param, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '@sp/identity';
import { ORUK_SERVICE_FILTERS, parseListQuery, type HsdsPage, type RawQuery } from './domain/hsds-query';
import type { Json } from './domain/hsds-views';
import { HsdsReader } from './hsds-reader';
import { OpenCorsInterceptor } from './open-cors.interceptor';

/** The Open Referral UK profile this API follows (pinned in schemas/oruk/README.md). */
export const ORUK_PROFILE_URL = 'https://open-referral-uk-profile.readthedocs.io/en/latest/';

const PAGE_QUERIES = [
  { name: 'page', required: false, description: 'Page number (from 1)' },
  {
    name: 'per_page',
    required: false,
    description: 'Items per page (1-200, default 50); `size` is accepted too',
  },
];

const ORUK_QUERIES = [
  { name: 'minimum_age', required: false, description: 'Services whose minimum_age is at least this' },
  { name: 'maximum_age', required: false, description: 'Services whose maximum_age is at most this' },
  { name: 'start_time', required: false, description: 'Services with a schedule opening at or after HH:MM' },
  { name: 'end_time', required: false, description: 'Services with a schedule closing at or before HH:MM' },
  { name: 'day', required: false, description: 'Services with a schedule on this day (MO-SU)' },
];

/** Open Referral UK's service filters (ORUK schema/openapi.json): ages, schedule times and day. */
function orukQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const q of ORUK_QUERIES) ApiQuery(q)(target, key, descriptor);
  };
}

function pageQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const q of PAGE_QUERIES) ApiQuery(q)(target, key, descriptor);
  };
}

/**
 * Open Referral HSDS 3.0 read API (Open Referral UK profile) under /hsds. Public: a directory of
 * services is public information in Open Referral, and nothing here is about patients. Trust
 * signals and capacity are aggregate figures about services and are shown too (`sp_*` fields).
 */
@ApiTags('hsds')
@Public()
@UseInterceptors(OpenCorsInterceptor)
@Controller('hsds')
export class HsdsController {
  constructor(private readonly reader: HsdsReader) {}

  @Get()
  @ApiOperation({ summary: 'About this API: HSDS version and profile' })
  info(@Req() req: { protocol: string; get(name: string): string | undefined }): Json {
    return {
      version: '3.0',
      // The Open Referral UK profile's documentation, as ORUK's own pages link it.
      profile: ORUK_PROFILE_URL,
      // An absolute URL (ORUK's openapi.json: format uri), on the host the caller reached.
      openapi_url: `${req.protocol}://${req.get('host') ?? 'localhost'}/docs-json`,
    };
  }

  @Get('services')
  @ApiOperation({ summary: 'Active, published services (paginated)' })
  @ApiQuery({ name: 'search', required: false })
  @ApiQuery({ name: 'taxonomy_term_id', required: false })
  @ApiQuery({ name: 'taxonomy_id', required: false })
  @ApiQuery({ name: 'organization_id', required: false })
  @ApiQuery({ name: 'modified_after', required: false, description: 'ISO 8601 date or date-time' })
  @orukQueries()
  @pageQueries()
  services(@Query() raw: RawQuery): Promise<HsdsPage<Json>> {
    return this.reader.listServices(
      parseListQuery(raw, [
        'search',
        'taxonomyTermId',
        'taxonomyId',
        'organizationId',
        'modifiedAfter',
        ...ORUK_SERVICE_FILTERS,
      ]),
    );
  }

  @Get('services/:id')
  @ApiOperation({ summary: 'One service, fully nested' })
  @ApiParam({ name: 'id' })
  service(@Param('id') id: string): Promise<Json> {
    return this.reader.getService(id);
  }

  @Get('service_at_locations')
  @ApiOperation({ summary: 'Where listed services are delivered (paginated; nearest first with postcode)' })
  @ApiQuery({ name: 'search', required: false })
  @ApiQuery({ name: 'taxonomy_term_id', required: false })
  @ApiQuery({ name: 'taxonomy_id', required: false })
  @ApiQuery({ name: 'organization_id', required: false })
  @ApiQuery({ name: 'modified_after', required: false })
  @orukQueries()
  @ApiQuery({ name: 'postcode', required: false, description: 'UK postcode; results ordered nearest first' })
  @ApiQuery({ name: 'proximity', required: false, description: 'Meters (5000) or with a unit (5km)' })
  @pageQueries()
  serviceAtLocations(@Query() raw: RawQuery): Promise<HsdsPage<Json>> {
    return this.reader.listServiceAtLocations(
      parseListQuery(raw, [
        'search',
        'taxonomyTermId',
        'taxonomyId',
        'organizationId',
        'modifiedAfter',
        'postcode',
        ...ORUK_SERVICE_FILTERS,
      ]),
    );
  }

  @Get('service_at_locations/:id')
  @ApiOperation({
    summary:
      'One service_at_location, fully nested: location, attributes with terms, service with its organization',
  })
  @ApiParam({ name: 'id' })
  serviceAtLocation(@Param('id') id: string): Promise<Json> {
    return this.reader.getServiceAtLocation(id);
  }

  @Get('organizations')
  @ApiOperation({ summary: 'Organizations (paginated)' })
  @ApiQuery({ name: 'search', required: false })
  @pageQueries()
  organizations(@Query() raw: RawQuery): Promise<HsdsPage<Json>> {
    return this.reader.listOrganizations(parseListQuery(raw, ['search']));
  }

  @Get('organizations/:id')
  @ApiOperation({ summary: 'One organization with its services and verification' })
  @ApiParam({ name: 'id' })
  organization(@Param('id') id: string): Promise<Json> {
    return this.reader.getOrganization(id);
  }

  @Get('taxonomies')
  @ApiOperation({ summary: 'Taxonomies (paginated)' })
  @pageQueries()
  taxonomies(@Query() raw: RawQuery): Promise<HsdsPage<Json>> {
    return this.reader.listTaxonomies(parseListQuery(raw, ['search']));
  }

  @Get('taxonomies/:id')
  @ApiOperation({ summary: 'One taxonomy' })
  @ApiParam({ name: 'id' })
  taxonomy(@Param('id') id: string): Promise<Json> {
    return this.reader.getTaxonomy(id);
  }

  @Get('taxonomy_terms')
  @ApiOperation({ summary: 'Taxonomy terms (paginated)' })
  @ApiQuery({ name: 'taxonomy_id', required: false })
  @ApiQuery({ name: 'parent_id', required: false })
  @ApiQuery({ name: 'top_only', required: false, description: 'true: only terms without a parent' })
  @pageQueries()
  taxonomyTerms(@Query() raw: RawQuery): Promise<HsdsPage<Json>> {
    return this.reader.listTaxonomyTerms(
      parseListQuery(raw, ['search', 'taxonomyId', 'parentId', 'topOnly']),
    );
  }

  @Get('taxonomy_terms/:id')
  @ApiOperation({ summary: 'One taxonomy term' })
  @ApiParam({ name: 'id' })
  taxonomyTerm(@Param('id') id: string): Promise<Json> {
    return this.reader.getTaxonomyTerm(id);
  }
}
