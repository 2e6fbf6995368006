import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { CreateReferralUseCase } from './create-referral/create-referral.use-case';
import { CreateReferralRequestSchema } from './create-referral/create-referral.request';
import { GetReferralUseCase } from './get-referral/get-referral.use-case';
import { toReferralView, type ReferralView } from './referral.view';

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralsController {
  constructor(
    private readonly createReferral: CreateReferralUseCase,
    private readonly getReferral: GetReferralUseCase,
  ) {}

  @Post()
  @Roles('referrer', 'link-worker')
  @ApiOperation({
    summary: 'Refer a patient (JSON intake)',
    description:
      "Validates the NHS number check digit, coded needs, consent and that the referring ODS code is the caller's own. " +
      'Send an Idempotency-Key to make retries safe: the same key returns the original referral (200, Idempotent-Replayed: true).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: CreateReferralRequestSchema as unknown as Record<string, unknown> })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralView> {
    const result = await this.createReferral.execute({
      body,
      actor: principal,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    response.status(result.created ? 201 : 200);
    response.setHeader('Location', `/v1/referrals/${result.referral._id}`);
    if (!result.created) response.setHeader('Idempotent-Replayed', 'true');
    return toReferralView(result.referral);
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read one referral (own organisation only; ops sees all)' })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ReferralView> {
    return toReferralView(await this.getReferral.execute(id, principal));
  }
}
