import { Body, Controller, Delete, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { Json } from '../hsds/domain/hsds-views';
import { DirectoryManagement, type ManagementResult } from './directory-management.use-case';

function answer(res: Response, result: ManagementResult): Json {
  res.status(result.created ? 201 : 200);
  return result.body;
}

/**
 * Management of the directory (JSON, HSDS field names). Ops manage everything; an organisation's
 * admins (its `provider` / `link-worker` clients) manage their own organisation, services and
 * locations; referrers get 403. Problems are problem+json naming every field; unknown fields are
 * refused; nothing is written when a request is refused.
 */
@ApiTags('directory-management')
@ApiBearerAuth()
@Roles('ops', 'provider', 'link-worker')
@Controller('v1/directory')
export class DirectoryManagementController {
  constructor(private readonly management: DirectoryManagement) {}

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
