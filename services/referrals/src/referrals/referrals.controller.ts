import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TaskStatus } from '@sp/contracts';
import { DomainError, ValidationError } from '@sp/errors';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { ifMatchVersion, jsonBody } from '../http/json-http';
import { ACTIONS, type Action } from '../domain/task-lifecycle';
import {
  CreateReferralRequestSchema,
  parseCreateReferralRequest,
} from './create-referral/create-referral.request';
import {
  OnwardRequestSchema,
  parseOnwardRequest,
  parseRerouteRequest,
  RerouteRequestSchema,
} from './onward-referral/onward-referral.request';
import {
  ClaimRequestSchema,
  ListReferralsQuerySchema,
  ReferralActionRequestSchema,
} from './referral-action.request';
import { REFERRAL_OPERATIONS, type ReferralOperations } from './referral-operations';
import type { ReferralDocument } from './referral.entity';
import {
  toChildSummary,
  toHistoryView,
  toReferralView,
  type ChildSummaryView,
  type ReferralHistoryView,
  type ReferralView,
} from './referral.view';
import { parseConsentWithdrawalRequest } from './withdraw-consent/withdraw-consent.request';

const actionBody = schemaValidator(ReferralActionRequestSchema);
const claimBody = schemaValidator(ClaimRequestSchema);
const listQuery = schemaValidator(ListReferralsQuerySchema);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

function idempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('The Idempotency-Key header is invalid', [
      {
        field: 'Idempotency-Key',
        code: 'invalid_format',
        message: '8-128 characters of A-Z a-z 0-9 . _ : -',
      },
    ]);
  }
  return key;
}

function withEtag(response: Response, referral: ReferralDocument): void {
  response.setHeader('ETag', `W/"${referral.version}"`);
}

interface ReferralListView {
  items: ReferralView[];
  page: number;
  size: number;
  total: number;
  totalPages: number;
}

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralsController {
  constructor(@Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations) {}

  @Post()
  @Roles('referrer', 'link-worker')
  @ApiOperation({
    summary: 'Refer a patient (JSON intake)',
    description:
      "Validates the NHS number check digit, date of birth, coded needs, consent, that the referring ODS code is the caller's own, " +
      'and the target service against the directory replica (unknown, not active, organisation suspended or unverified, age, capacity: 422). ' +
      'Omit targetServiceId for an open referral that an eligible provider may claim. ' +
      'Send an Idempotency-Key to make retries safe: the same key returns the original referral (200, Idempotent-Replayed: true).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: CreateReferralRequestSchema as unknown as Record<string, unknown> })
  async create(
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    const body = jsonBody(request);
    const key = idempotencyKey(rawKey);
    const intake = parseCreateReferralRequest(body);
    const result = await this.operations.create({
      intake,
      actor: principal,
      rawBody: body,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    });
    response.status(result.created ? 201 : 200);
    response.setHeader('Location', `/v1/referrals/${result.referral._id}`);
    withEtag(response, result.referral);
    if (!result.created) response.setHeader('Idempotent-Replayed', 'true');
    return toReferralView(result.referral);
  }

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'List referrals visible to the caller',
    description:
      'A practice sees its own referrals, a provider those owned by its organisation and open ones it could claim, ops all. ' +
      'Ordered by last update (oldest first) so pollers can page with updatedAfter.',
  })
  @ApiQuery({ name: 'status', required: false, description: 'Comma-separated Task statuses' })
  @ApiQuery({ name: 'owner', required: false })
  @ApiQuery({ name: 'requester', required: false })
  @ApiQuery({ name: 'targetServiceId', required: false })
  @ApiQuery({ name: 'parent', required: false })
  @ApiQuery({ name: 'updatedAfter', required: false, description: 'RFC 3339, exclusive' })
  @ApiQuery({ name: 'page', required: false, description: '1-based' })
  @ApiQuery({ name: 'size', required: false, description: '1-100, default 20' })
  async list(
    @Query() raw: unknown,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<ReferralListView> {
    const q = listQuery.parse(raw);
    const page = Number(q.page ?? '1');
    const size = Number(q.size ?? '20');
    const result = await this.operations.search(
      {
        ...(q.status ? { status: q.status.split(',') as TaskStatus[] } : {}),
        ...(q.owner ? { ownerOrganisationId: q.owner } : {}),
        ...(q.requester ? { requesterOrganisationId: q.requester } : {}),
        ...(q.targetServiceId ? { targetServiceId: q.targetServiceId } : {}),
        ...(q.parent ? { parentReferralId: q.parent } : {}),
        ...(q.updatedAfter ? { updatedAfter: new Date(q.updatedAfter) } : {}),
        count: size,
        offset: (page - 1) * size,
      },
      principal,
    );
    return {
      items: result.items.map((r) => toReferralView(r)),
      page,
      size,
      total: result.total,
      totalPages: Math.ceil(result.total / size),
    };
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "Read one referral with its history and its onward referrals' statuses" })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    const referral = await this.operations.get(id, principal);
    const children =
      referral.childReferralIds.length > 0 ? await this.operations.children(id, principal) : [];
    withEtag(response, referral);
    return toReferralView(referral, children);
  }

  @Get(':id/history')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Every change of the referral: who, when, from, to, why' })
  async history(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ id: string; version: number; history: ReferralHistoryView[] }> {
    const referral = await this.operations.get(id, principal);
    return { id: referral._id, version: referral.version, history: toHistoryView(referral) };
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles('provider', 'link-worker')
  @ApiOperation({ summary: 'Claim an open referral for one of your services (accepts it)' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: ClaimRequestSchema as unknown as Record<string, unknown> })
  async claim(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    const body = claimBody.parse(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const referral = await this.operations.claim({
      referralId: id,
      actor: principal,
      serviceId: body.serviceId,
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    withEtag(response, referral);
    return toReferralView(referral);
  }

  @Post(':id/onward')
  @Roles('link-worker')
  @ApiOperation({ summary: 'Refer onwards to one or more services (child referrals, Task.partOf this one)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: OnwardRequestSchema as unknown as Record<string, unknown> })
  async onward(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('idempotency-key') rawKey: string | undefined,
  ): Promise<{ parent: ReferralView; children: ChildSummaryView[] }> {
    const raw = jsonBody(request);
    const onward = parseOnwardRequest(raw);
    const key = idempotencyKey(rawKey);
    const result = await this.operations.createOnward({
      parentReferralId: id,
      actor: principal,
      ...onward,
      rawBody: raw,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    });
    return { parent: toReferralView(result.parent), children: result.children.map(toChildSummary) };
  }

  @Post(':id/reroute')
  @Roles('link-worker')
  @ApiOperation({ summary: 'Re-route a rejected onward referral to another service' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: RerouteRequestSchema as unknown as Record<string, unknown> })
  async reroute(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('idempotency-key') rawKey: string | undefined,
  ): Promise<{ parent: ReferralView; child: ChildSummaryView }> {
    const raw = jsonBody(request);
    const reroute = parseRerouteRequest(raw);
    const key = idempotencyKey(rawKey);
    const result = await this.operations.createOnward({
      parentReferralId: id,
      actor: principal,
      ...reroute,
      rawBody: raw,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    });
    return { parent: toReferralView(result.parent), child: toChildSummary(result.children[0]!) };
  }

  @Post(':id/consent-withdrawal')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Record that the patient withdrew consent',
    description:
      'Cancels the referral and every onward referral below it (reason consent-withdrawn), publishes referral.consent-withdrawn for each, and refuses every later change (409 REFERRAL.CONSENT_WITHDRAWN).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  async withdrawConsent(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    parseConsentWithdrawalRequest(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const referral = await this.operations.withdrawConsent({
      referralId: id,
      actor: principal,
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    withEtag(response, referral);
    return toReferralView(referral);
  }

  @Post(':id/:action')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Move the referral: accept, reject, start, hold, resume, complete, fail, cancel or enter-in-error',
    description:
      'A coded reason is required for reject, cancel, hold and fail ("other" needs a text); complete needs outcome codes and may carry ONS4 wellbeing scores. ' +
      'Send If-Match with the ETag you read to refuse the move if the referral changed meanwhile (412). ' +
      'Without it, a move that loses the race with a concurrent change is refused with 409 REFERRAL.CONCURRENT_UPDATE: read the referral again and retry.',
  })
  @ApiParam({ name: 'action', enum: [...ACTIONS] })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: ReferralActionRequestSchema as unknown as Record<string, unknown>, required: false })
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @Req() request: Request,
    @Body() _body: unknown,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new DomainError('REQUEST.NOT_FOUND', `No action ${action}; use one of ${ACTIONS.join(', ')}`, {
        status: 404,
      });
    }
    const body = actionBody.parse(jsonBody(request) ?? {});
    const version = ifMatchVersion(ifMatch);
    const referral = await this.operations.transition({
      referralId: id,
      actor: principal,
      action: action as Action,
      ...(body.reason ? { reason: body.reason as { code: never; text?: string } } : {}),
      ...(body.outcome ? { outcome: body.outcome } : {}),
      ...(body.wellbeing ? { wellbeing: body.wellbeing } : {}),
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    withEtag(response, referral);
    return toReferralView(referral);
  }
}
