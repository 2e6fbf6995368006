import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { RawQuery } from '../hsds/domain/hsds-query';
import type { Json } from '../hsds/domain/hsds-views';
import type { ManagementPage } from './domain/management-views';
import { DirectoryManagement, type ManagementResult } from './directory-management.use-case';

function answer(res: Response, result: ManagementResult): Json {
  res.status(result.created ? 201 : 200);
  return result.body;
}

/**
 * Management of the directory (JSON, HSDS field names). Ops manage everything; an organisation's
 * admins (its `provider` / `link-worker` clients) manage their own organisation, services and
 * locations; referrers get 403. Problems are problem+json naming every field; unknown fields are
 * refused; nothing is written when a request is refused. The reads (GET) show what the public HSDS
 * API hides (withdrawn services, suspended organisations) to the same callers as the writes.
 */
@ApiTags('directory-management')
@ApiBearerAuth()
@Roles('ops', 'provider', 'link-worker')
@Controller('v1/directory')
export class DirectoryManagementController {
  constructor(private readonly management: DirectoryManagement) {}

  @Get('organizations/:id')
  @ApiOperation({
    summary: 'An organisation as managed, suspended or not (its admins or ops)',
    description:
      'The body the management writes answer (HSDS organization, `sp_status`, `sp_kind`), plus ' +
      '`sp_suspension` (`reason_code`, `suspended_at`, each when stored) while it is suspended. ' +
      "400 for a malformed id, 404 for an unknown one, 403 for another organisation's admin.",
  })
  async getOrganisation(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Json> {
    return this.management.getOrganisation(principal, id);
  }

  @Get('organizations/:id/services')
  @ApiQuery({ name: 'page', required: false, description: 'Page number (from 1)' })
  @ApiQuery({
    name: 'per_page',
    required: false,
    description: 'Items per page (1-200, default 50); `size` is accepted too',
  })
  @ApiOperation({
    summary: 'Every service of an organisation, withdrawn ones too (its admins or ops)',
    description:
      'Ordered by id, each with `sp_publication` (`published` or `withdrawn`). Paging parameters as ' +
      '`/v1/organisations`; answers `total_items, total_pages, page_number, size` (the page size), ' +
      '`first_page, last_page, empty, contents`. 400 naming each bad id or paging parameter, 404 for an ' +
      "unknown organisation, 403 for another organisation's admin.",
  })
  async listOrganisationServices(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: RawQuery,
  ): Promise<ManagementPage<Json>> {
    return this.management.listOrganisationServices(principal, id, query);
  }

  @Get('services/:id')
  @ApiOperation({
    summary: "A service as managed, withdrawn or not (its organisation's admins or ops)",
    description: 'The body the management writes answer: the HSDS service plus `sp_publication`.',
  })
  async getService(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Json> {
    return this.management.getService(principal, id);
  }

  @Get('locations/:id')
  @ApiOperation({ summary: "A location (its organisation's admins or ops)" })
  async getLocation(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Json> {
    return this.management.getLocation(principal, id);
  }

  @Post('organizations')
  @Roles('ops')
  @ApiOperation({ summary: 'Register an organisation (ops)' })
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.registerOrganisation(principal, body));
  }

  @Put('organizations/:id')
  @ApiOperation({ summary: "Update an organisation (its admins or ops); `kind` changes are ops' only" })
  async updateOrganisation(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.updateOrganisation(principal, id, body));
  }

  @Post('organizations/:id/suspend')
  @Roles('ops')
  @ApiOperation({ summary: 'Suspend an organisation: its services leave the directory (ops)' })
  async suspend(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.setSuspended(principal, id, true, body));
  }

  @Post('organizations/:id/reinstate')
  @Roles('ops')
  @ApiOperation({ summary: 'Reinstate a suspended organisation (ops)' })
  async reinstate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.setSuspended(principal, id, false, body));
  }

  @Post('services')
  @ApiOperation({ summary: 'Publish a service (or publish a withdrawn one again, by id)' })
  async publish(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.publishService(principal, body));
  }

  @Put('services/:id')
  @ApiOperation({ summary: 'Update a service' })
  async updateService(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.updateService(principal, id, body));
  }

  @Post('services/:id/withdraw')
  @ApiOperation({ summary: 'Withdraw a service from the directory' })
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.withdrawService(principal, id, body));
  }

  @Post('locations')
  @ApiOperation({ summary: 'Create a location' })
  async createLocation(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.createLocation(principal, body));
  }

  @Put('locations/:id')
  @ApiOperation({ summary: 'Update a location' })
  async updateLocation(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.updateLocation(principal, id, body));
  }

  @Post('service_at_locations')
  @ApiOperation({ summary: 'Deliver a service at a location (link)' })
  async link(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return answer(res, await this.management.linkServiceAtLocation(principal, body));
  }

  @Delete('service_at_locations/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop delivering a service at a location (unlink)' })
  async unlink(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.management.unlinkServiceAtLocation(principal, id);
  }
}
