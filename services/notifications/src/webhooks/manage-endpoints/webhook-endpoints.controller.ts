import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { toEndpointView, type WebhookEndpointView } from '../webhook-endpoint.entity';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import {
  createEndpointRequest,
  CreateEndpointRequestSchema,
  rotateSecretRequest,
  RotateSecretRequestSchema,
  updateEndpointRequest,
  UpdateEndpointRequestSchema,
} from './endpoint.request';
import { ManageEndpointsUseCase, readScope } from './manage-endpoints.use-case';

type WithSecret = WebhookEndpointView & { secret: string };

/** An organisation's webhook endpoints (Standard Webhooks): manage, read, rotate the secret. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly manage: ManageEndpointsUseCase,
    private readonly endpoints: WebhookEndpointRepository,
  ) {}

  @Post()
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary: "Register a webhook endpoint for the caller's organisation",
    description:
      'Answers 201 with the signing secret (`whsec_...`): the only time it is shown. 422 names each problem: an invalid or non-https URL, a host resolving to a private, loopback or link-local address, an unknown event kind.',
  })
  @ApiBody({ schema: CreateEndpointRequestSchema as unknown as Record<string, unknown> })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WithSecret> {
    const { endpoint, secret } = await this.manage.create(principal, createEndpointRequest.parse(body));
    response.status(201);
    response.setHeader('Location', `/v1/webhook-endpoints/${endpoint._id}`);
    response.setHeader('Cache-Control', 'no-store');
    return { ...toEndpointView(endpoint), secret };
  }

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "The caller's organisation's endpoints (ops: all, or ?organisationId=)" })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('organisationId') organisationId?: string,
  ): Promise<{ items: WebhookEndpointView[] }> {
    const endpoints = await this.endpoints.list(readScope(principal), organisationId);
    return { items: endpoints.map((e) => toEndpointView(e)) };
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "One endpoint (never its secret); another organisation's is 404" })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WebhookEndpointView> {
    return toEndpointView(await this.manage.get(principal, id));
  }

  @Patch(':id')
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary: 'Change url, eventTypes, description; `enabled: true` re-enables a disabled endpoint',
  })
  @ApiBody({ schema: UpdateEndpointRequestSchema as unknown as Record<string, unknown> })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<WebhookEndpointView> {
    return toEndpointView(await this.manage.update(principal, id, updateEndpointRequest.parse(body)));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({ summary: 'Delete the endpoint, its messages and attempts' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.manage.delete(principal, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary:
      'New signing secret (shown once); the previous one keeps signing for overlapSeconds (default 24 h, max 7 days)',
    description:
      'During the overlap every delivery carries both signatures in webhook-signature (space separated), so receivers can switch secrets without missing one.',
  })
  @ApiBody({ schema: RotateSecretRequestSchema as unknown as Record<string, unknown>, required: false })
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WithSecret> {
    const request = rotateSecretRequest.parse(body ?? {});
    const { endpoint, secret } = await this.manage.rotateSecret(principal, id, request.overlapSeconds);
    response.setHeader('Cache-Control', 'no-store');
    return { ...toEndpointView(endpoint), secret };
  }
}
