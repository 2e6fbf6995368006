import { Controller, Get, Headers, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ifMatchVersion, jsonBody, setEntryEtag } from '../case-record-http';
import type { StatementKind } from '../domain/case-statement.rules';
import { AddStatementUseCase } from './add-statement/add-statement.use-case';
import { ChangeStatementUseCase } from './change-statement/change-statement.use-case';
import {
  NEW_STATEMENT_SCHEMAS,
  parseNewStatement,
  parseStatementChange,
  STATEMENT_CHANGE_SCHEMAS,
} from './case-statement.request';
import { toStatementView, type CaseStatementView } from './case-statement.view';
import { ListStatementsUseCase } from './list-statements/list-statements.use-case';

const ALL_ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;
const PATHS: Record<StatementKind, string> = { 'what-matters': 'what-matters', concern: 'concerns' };

/**
 * What matters to the person (`/what-matters`) and their concerns (`/concerns`): the same shape
 * and rules, each kind with its statuses. The organisation holding the referral writes them; the
 * author or a team lead changes them.
 */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id')
export class WhatMattersController {
  constructor(
    private readonly add: AddStatementUseCase,
    private readonly list: ListStatementsUseCase,
    private readonly change: ChangeStatementUseCase,
  ) {}

  @Post('what-matters')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Record what matters to the person (their words, as agreed)' })
  @ApiBody({ schema: NEW_STATEMENT_SCHEMAS['what-matters'] as unknown as Record<string, unknown> })
  addWhatMatters(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseStatementView> {
    return this.create('what-matters', referralId, request, principal, response);
  }

  @Get('what-matters')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'What matters to the person, oldest first' })
  listWhatMatters(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ items: CaseStatementView[] }> {
    return this.all('what-matters', referralId, principal);
  }

  @Patch('what-matters/:entryId')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Correct a what-matters statement or change its status (active, achieved, no-longer-relevant)',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: STATEMENT_CHANGE_SCHEMAS['what-matters'] as unknown as Record<string, unknown> })
  changeWhatMatters(
    @Param('id') referralId: string,
    @Param('entryId') entryId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseStatementView> {
    return this.update('what-matters', referralId, entryId, request, principal, ifMatch, response);
  }

  @Post('concerns')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "Record a concern (the person's words, as agreed)" })
  @ApiBody({ schema: NEW_STATEMENT_SCHEMAS.concern as unknown as Record<string, unknown> })
  addConcern(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseStatementView> {
    return this.create('concern', referralId, request, principal, response);
  }

  @Get('concerns')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "The person's concerns, oldest first" })
  listConcerns(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ items: CaseStatementView[] }> {
    return this.all('concern', referralId, principal);
  }

  @Patch('concerns/:entryId')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Correct a concern or change its status (active, resolved, no-longer-relevant)' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: STATEMENT_CHANGE_SCHEMAS.concern as unknown as Record<string, unknown> })
  changeConcern(
    @Param('id') referralId: string,
    @Param('entryId') entryId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseStatementView> {
    return this.update('concern', referralId, entryId, request, principal, ifMatch, response);
  }

  private async create(
    kind: StatementKind,
    referralId: string,
    request: Request,
    principal: OperationalPrincipal,
    response: Response,
  ): Promise<CaseStatementView> {
    const body = parseNewStatement(kind, jsonBody(request));
    const statement = await this.add.execute({
      referralId,
      kind,
      actor: principal,
      text: body.text,
      ...(body.recordedAt !== undefined ? { recordedAt: new Date(body.recordedAt) } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
    });
    response.status(201);
    response.setHeader('Location', `/v1/referrals/${referralId}/${PATHS[kind]}/${statement._id}`);
    setEntryEtag(response, statement);
    return toStatementView(statement);
  }

  private async all(
    kind: StatementKind,
    referralId: string,
    principal: OperationalPrincipal,
  ): Promise<{ items: CaseStatementView[] }> {
    return { items: (await this.list.execute(referralId, kind, principal)).map(toStatementView) };
  }

  private async update(
    kind: StatementKind,
    referralId: string,
    statementId: string,
    request: Request,
    principal: OperationalPrincipal,
    ifMatch: string | undefined,
    response: Response,
  ): Promise<CaseStatementView> {
    const body = parseStatementChange(kind, jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const statement = await this.change.execute({
      referralId,
      kind,
      statementId,
      actor: principal,
      change: {
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.recordedAt !== undefined ? { recordedAt: new Date(body.recordedAt) } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
      },
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    setEntryEtag(response, statement);
    return toStatementView(statement);
  }
}
