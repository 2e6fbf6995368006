import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { jsonBody, setEntryEtag } from '../case-record-http';
import { toNeedView, type CaseNeedView } from './case-need.view';
import { ListNeedsUseCase, type NeedsView } from './list-needs/list-needs.use-case';
import { recordNeedRequest, RecordNeedSchema } from './record-need/record-need.request';
import { RecordNeedUseCase } from './record-need/record-need.use-case';

const ALL_ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;

/** The case's coded needs over time (the working list; the referral's intake needs stay as sent). */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/needs')
export class NeedsController {
  constructor(
    private readonly record: RecordNeedUseCase,
    private readonly list: ListNeedsUseCase,
  ) {}

  @Post()
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Add a coded need (status active) or resolve an active one (status resolved)',
    description:
      'code: a need taxonomy code (sp-need-...) or a SNOMED CT concept id. 201 with the new need, 200 with the resolved one; 400 naming each malformed field; 422 naming the field for an unknown code, a time in the future, a code already active or not active.',
  })
  @ApiBody({ schema: RecordNeedSchema as unknown as Record<string, unknown> })
  async create(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseNeedView> {
    const body = recordNeedRequest.parse(jsonBody(request));
    const { need, created } = await this.record.execute({
      referralId,
      actor: principal,
      code: body.code,
      status: body.status,
      ...(body.at !== undefined ? { at: new Date(body.at) } : {}),
    });
    response.status(created ? 201 : 200);
    setEntryEtag(response, need);
    return toNeedView(need);
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "The case's needs with when each was added and resolved, and by whom" })
  all(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<NeedsView> {
    return this.list.execute(referralId, principal);
  }
}
