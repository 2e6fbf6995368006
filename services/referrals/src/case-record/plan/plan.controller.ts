import { Controller, Get, Headers, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ifMatchVersion, jsonBody, setEntryEtag } from '../case-record-http';
import { AddActionUseCase } from './add-action/add-action.use-case';
import { ChangeActionUseCase } from './change-action/change-action.use-case';
import {
  ActionChangeSchema,
  NewActionSchema,
  parseActionChange,
  parseNewAction,
} from './plan-action.request';
import { toActionView, type PlanActionView } from './plan-action.view';
import { ReadPlanUseCase, type PlanView } from './read-plan/read-plan.use-case';

const ALL_ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;

/** The support plan: agreed actions with an owner, a due day and a status. */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/plan')
export class PlanController {
  constructor(
    private readonly add: AddActionUseCase,
    private readonly change: ChangeActionUseCase,
    private readonly read: ReadPlanUseCase,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The support plan: every action, oldest first, and when the next is due' })
  plan(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<PlanView> {
    return this.read.execute(referralId, principal);
  }

  @Post('actions')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Add an agreed action',
    description:
      'A malformed body is 400 naming each field. dueDate is a UK calendar day, not before today; the owner has the ids its kind needs; onwardReferralId must be an onward referral of this referral: 422 naming each field otherwise.',
  })
  @ApiBody({ schema: NewActionSchema as unknown as Record<string, unknown> })
  async create(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PlanActionView> {
    const body = parseNewAction(jsonBody(request));
    const action = await this.add.execute({
      referralId,
      actor: principal,
      action: {
        description: body.description,
        owner: body.owner,
        dueDate: body.dueDate,
        status: body.status,
        ...(body.onwardReferralId !== undefined ? { onwardReferralId: body.onwardReferralId } : {}),
      },
    });
    response.status(201);
    response.setHeader('Location', `/v1/referrals/${referralId}/plan/actions/${action._id}`);
    setEntryEtag(response, action);
    return toActionView(action);
  }

  @Patch('actions/:actionId')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: "Change an action's status, due day or description (its author or a team lead)",
    description:
      'Moves: planned -> in-progress | done | cancelled; in-progress -> done | cancelled; done and cancelled are final. If-Match W/"<version>" (412 when stale).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: ActionChangeSchema as unknown as Record<string, unknown> })
  async update(
    @Param('id') referralId: string,
    @Param('actionId') actionId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PlanActionView> {
    const body = parseActionChange(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const action = await this.change.execute({
      referralId,
      actionId,
      actor: principal,
      change: body,
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    setEntryEtag(response, action);
    return toActionView(action);
  }
}
