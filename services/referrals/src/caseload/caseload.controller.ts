import { Controller, Delete, Get, Headers, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TaskStatus } from '@sp/contracts';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { ifMatchVersion, jsonBody } from '../http/json-http';
import { AssignReferralUseCase } from './assign-referral/assign-referral.use-case';
import {
  AssignRequestSchema,
  PersonSubSchema,
  UnassignRequestSchema,
} from './assign-referral/assignment.request';
import { CaseloadQuerySchema, withStatusList } from './query-caseload/caseload.request';
import { QueryCaseloadUseCase, type CaseloadPage } from './query-caseload/query-caseload.use-case';
import { CaseloadLimitRequestSchema } from './set-caseload-limit/caseload-limit.request';
import { SetCaseloadLimitUseCase } from './set-caseload-limit/set-caseload-limit.use-case';
import { ListTeamUseCase, type TeamMemberView } from './roster/list-team.use-case';
import type { ReferralDocument } from '../referrals/referral.entity';

const assignBody = schemaValidator(AssignRequestSchema);
const unassignBody = schemaValidator(UnassignRequestSchema);
const limitBody = schemaValidator(CaseloadLimitRequestSchema);
const caseloadQuery = schemaValidator(CaseloadQuerySchema);
const subParam = schemaValidator(PersonSubSchema);

export interface AssignmentView {
  referralId: string;
  version: number;
  status: string;
  assignment: {
    assigneeSub: string;
    assigneeName?: string;
    assignedAt: string;
    assignedBy: { organisationId: string; person?: { sub: string; name?: string } };
    version: number;
  } | null;
  assignmentVersion: number;
}

function assignmentView(r: ReferralDocument): AssignmentView {
  const a = r.assignment ?? null;
  return {
    referralId: r._id,
    version: r.version,
    status: r.status,
    assignment: a && {
      assigneeSub: a.assigneeSub,
      ...(a.assigneeName !== undefined ? { assigneeName: a.assigneeName } : {}),
      assignedAt: new Date(a.assignedAt).toISOString(),
      assignedBy: {
        organisationId: a.assignedBy.organisationId,
        ...(a.assignedBy.person ? { person: a.assignedBy.person } : {}),
      },
      version: a.version,
    },
    assignmentVersion: r.assignmentVersion ?? 0,
  };
}

/** Team roster, caseload limits, assignment and handover, caseload queries (docs/case-management.md). */
@ApiTags('caseload')
@ApiBearerAuth()
@Controller()
export class CaseloadController {
  constructor(
    @Inject(AssignReferralUseCase) private readonly assign: AssignReferralUseCase,
    @Inject(SetCaseloadLimitUseCase) private readonly limits: SetCaseloadLimitUseCase,
    @Inject(QueryCaseloadUseCase) private readonly caseload: QueryCaseloadUseCase,
    @Inject(ListTeamUseCase) private readonly team: ListTeamUseCase,
  ) {}

  @Put('v1/referrals/:id/assignment')
  @Roles('link-worker', 'provider')
  @ApiOperation({
    summary: 'Assign or hand over (reassign) a referral to a person of the organisation holding it',
    description:
      'A worker may take an unassigned referral; a team lead (or the organisation’s API client) may assign anyone and reassign (reasonCode required). ' +
      'Over the assignee’s caseload limit: 409 CASELOAD.LIMIT_REACHED unless a signed-in team lead sends overrideLimit: true. ' +
      'If-Match (the referral ETag) refuses the change if the referral changed meanwhile (412).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: AssignRequestSchema as unknown as Record<string, unknown> })
  async put(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AssignmentView> {
    const body = assignBody.parse(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const { referral } = await this.assign.execute({
      referralId: id,
      actor: principal,
      assigneeSub: body.assigneeSub,
      ...(body.reasonCode !== undefined ? { reasonCode: body.reasonCode } : {}),
      ...(body.reasonText !== undefined ? { reasonText: body.reasonText } : {}),
      ...(body.overrideLimit !== undefined ? { overrideLimit: body.overrideLimit } : {}),
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    response.setHeader('ETag', `W/"${referral.version}"`);
    return assignmentView(referral);
  }

  @Delete('v1/referrals/:id/assignment')
  @Roles('link-worker', 'provider')
  @ApiOperation({
    summary: 'Unassign a referral (a worker their own; a team lead or the API client anyone’s)',
    description: 'Optional JSON body: reasonCode, reasonText.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: UnassignRequestSchema as unknown as Record<string, unknown>, required: false })
  async remove(
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AssignmentView> {
    const body = unassignBody.parse(jsonBody(request) ?? {});
    const version = ifMatchVersion(ifMatch);
    const { referral } = await this.assign.execute({
      referralId: id,
      actor: principal,
      ...(body.reasonCode !== undefined ? { reasonCode: body.reasonCode } : {}),
      ...(body.reasonText !== undefined ? { reasonText: body.reasonText } : {}),
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    response.setHeader('ETag', `W/"${referral.version}"`);
    return assignmentView(referral);
  }

  @Get('v1/team/members')
  @Roles('link-worker', 'provider')
  @ApiOperation({
    summary: "The people of the caller's organisation: team role, caseload limit, open referrals held",
  })
  async members(@CurrentPrincipal() principal: OperationalPrincipal): Promise<{ items: TeamMemberView[] }> {
    return { items: await this.team.execute(principal.organisationId) };
  }

  @Put('v1/team/members/:sub/caseload-limit')
  @Roles('link-worker', 'provider')
  @ApiOperation({ summary: 'Set or clear (null) a person’s caseload limit (0-500): team leads only' })
  @ApiBody({ schema: CaseloadLimitRequestSchema as unknown as Record<string, unknown> })
  async setLimit(
    @Param('sub') sub: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<TeamMemberView> {
    const body = limitBody.parse(jsonBody(request));
    subParam.parse(sub, 'The person is invalid');
    await this.limits.execute(principal, sub, body.limit);
    const member = (await this.team.execute(principal.organisationId)).find((m) => m.sub === sub);
    return member!;
  }

  @Get('v1/caseload')
  @Roles('link-worker', 'provider')
  @ApiOperation({
    summary: 'Open referrals held by the caller (a worker) or the organisation (a team lead, API client)',
    description:
      'Filters: assignee=<sub>|none, status (repeatable), waitingForFirstContact, overdue; limit (1-100, default 20), offset. ' +
      'Each referral returned is audited.',
  })
  @ApiQuery({ name: 'assignee', required: false })
  @ApiQuery({ name: 'status', required: false, isArray: true })
  @ApiQuery({ name: 'waitingForFirstContact', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async list(
    @Query() raw: unknown,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<CaseloadPage> {
    const q = caseloadQuery.parse(withStatusList(raw));
    return this.caseload.execute(
      {
        ...(q.assignee !== undefined ? { assignee: q.assignee } : {}),
        ...(q.status ? { status: q.status as TaskStatus[] } : {}),
        ...(q.waitingForFirstContact ? { waitingForFirstContact: q.waitingForFirstContact === 'true' } : {}),
        ...(q.overdue ? { overdue: q.overdue === 'true' } : {}),
        limit: Number(q.limit ?? '20'),
        offset: Number(q.offset ?? '0'),
      },
      principal,
    );
  }
}
