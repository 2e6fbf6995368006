import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, ValidationError, type FieldProblem } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { fhirBase, FhirHttpInterceptor } from '../../fhir/fhir-http';
import { statusBundle } from '../domain/notification-bundle';
import { toSubscriptionResource, type StoredSubscription } from '../domain/subscription';
import type { SubscriptionStatus } from '../domain/subscription-topic';
import { FhirSubscriptionRepository } from '../fhir-subscription.repository';
import { SubscriptionDeliveryQueue } from '../deliver-notifications/subscription-delivery.queue';
import { CreateSubscriptionUseCase, type Subscriber } from './create-subscription.use-case';

const STATUSES: readonly SubscriptionStatus[] = ['requested', 'active', 'error', 'off'];
const SEARCH_PARAMS = ['status', '_count', '_format'];

function subscriberOf(p: Principal): Subscriber {
  if (p.role !== 'referrer' && p.role !== 'link-worker' && p.role !== 'provider' && p.role !== 'ops')
    throw new DomainError('AUTH.FORBIDDEN', 'This role may not subscribe', { status: 403 });
  return {
    clientId: p.clientId,
    organisationId: p.organisationId,
    role: p.role,
    ...(p.odsCode ? { odsCode: p.odsCode } : {}),
  };
}

/**
 * Topic-based Subscriptions (R4 backport) at the FHIR base: create, read, search the caller's
 * own, delete, and $status. A subscription belongs to the caller's organisation; another
 * organisation's is answered 404, as if it did not exist (ops see all).
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Subscription')
@UseInterceptors(FhirHttpInterceptor)
export class SubscriptionController {
  constructor(
    private readonly create: CreateSubscriptionUseCase,
    private readonly subscriptions: FhirSubscriptionRepository,
    private readonly queue: SubscriptionDeliveryQueue,
  ) {}

  @Post()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Subscribe to Task changes (topic referral-task-changes, rest-hook, id-only); status requested until the handshake succeeds',
  })
  async subscribe(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const base = fhirBase(req);
    const sub = await this.create.execute(body, subscriberOf(principal), base);
    res.status(201);
    res.setHeader('Location', `${base}/Subscription/${sub._id}`);
    return toSubscriptionResource(sub);
  }

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "Search the caller's organisation's subscriptions (status, _count)" })
  async search(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    const problems: FieldProblem[] = [];
    for (const name of Object.keys(query))
      if (!SEARCH_PARAMS.includes(name))
        problems.push({
          field: name,
          code: 'not-supported',
          message: `Unsupported search parameter (supported: status, _count)`,
        });
    const statuses = query.status === undefined ? undefined : String(query.status).split(',');
    if (statuses?.some((s) => !STATUSES.includes(s as SubscriptionStatus)))
      problems.push({
        field: 'status',
        code: 'code-invalid',
        message: `status is one of ${STATUSES.join(', ')}`,
      });
    const count = query._count === undefined ? 20 : Number(query._count);
    if (!Number.isInteger(count) || count < 1 || count > 100)
      problems.push({ field: '_count', code: 'value', message: '_count is 1-100' });
    if (problems.length > 0) throw new ValidationError(problems);
    const subs = await this.subscriptions.list(
      principal.role === 'ops' ? undefined : principal.organisationId,
      statuses as SubscriptionStatus[] | undefined,
      count,
    );
    const base = fhirBase(req);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: subs.length,
      link: [{ relation: 'self', url: `${base}${req.url.replace(/^\/fhir/, '')}` }],
      entry: subs.map((s) => ({
        fullUrl: `${base}/Subscription/${s._id}`,
        resource: toSubscriptionResource(s),
        search: { mode: 'match' },
      })),
    };
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read a subscription (status, error); channel.header values are masked' })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Record<string, unknown>> {
    return toSubscriptionResource(await this.owned(id, principal));
  }

  @Get(':id/$status')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Subscription $status (backport): status and events-since-subscription-start' })
  async status(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    const sub = await this.owned(id, principal);
    return statusBundle({
      base: fhirBase(req),
      subscriptionId: sub._id,
      status: sub.status,
      eventsSinceStart: sub.eventCount,
      statusId: randomUUID(),
      now: new Date(),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Delete a subscription: nothing more is sent (a later read answers 410)' })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const sub = await this.owned(id, principal);
    await this.subscriptions.markDeleted(sub._id, new Date());
    await this.queue.stopHeartbeat(sub._id);
  }

  /** The caller's organisation's subscription (ops: any), 404 otherwise, 410 once deleted. */
  private async owned(id: string, principal: Principal): Promise<StoredSubscription> {
    const sub = await this.subscriptions.findById(id);
    if (!sub || (principal.role !== 'ops' && sub.owner.organisationId !== principal.organisationId))
      throw new DomainError('FHIR.NOT_FOUND', `Subscription/${id} not found`, { status: 404 });
    if (sub.deletedAt) throw new DomainError('FHIR.GONE', `Subscription/${id} was deleted`, { status: 410 });
    return sub;
  }
}
