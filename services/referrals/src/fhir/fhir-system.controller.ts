import { Body, Controller, Get, Headers, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, ErrorCodes } from '@sp/errors';
import { CurrentPrincipal, Public, Roles, type OperationalPrincipal } from '@sp/identity';
import type { ReferralDocument } from '../referrals/referral.entity';
import { capabilityStatement } from './capability-statement';
import { fhirBase, FhirHttpInterceptor, parseIfMatch, withPreferredEntries } from './fhir-http';
import { FhirReferralWriter } from './fhir-referral-writer';
import type { Bundle } from './fhir.types';
import { parseTransaction } from './referral-from-fhir';
import {
  bundleExpression,
  isTaskUpdateTransaction,
  readTaskUpdateTransaction,
  requiredVersion,
  taskUpdateResponse,
} from './outputs/task-update-transaction';
import { FhirTaskUpdater } from './task-updater';
import { intakeResponse, onwardResponse } from './transaction-response';

/** Who may send a transaction that creates referrals (a Task update transaction: any party). */
const REFERRING_ROLES = ['referrer', 'link-worker'];

@ApiTags('fhir')
@Controller('fhir')
@UseInterceptors(FhirHttpInterceptor)
export class FhirSystemController {
  constructor(
    private readonly writer: FhirReferralWriter,
    private readonly taskUpdater: FhirTaskUpdater,
  ) {}

  @Get('metadata')
  @Public()
  @ApiOperation({ summary: 'FHIR R4 CapabilityStatement: what this endpoint supports' })
  metadata(@Req() req: Request): Record<string, unknown> {
    return capabilityStatement(fhirBase(req), new Date());
  }

  @Post()
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Transaction Bundle: a Task update with the Procedures its outputs name (PUT Task/<id> + POST Procedure), or a new referral (Patient + ServiceRequest + Consent [+ Task]) or onward referrals',
    description:
      'HL7 Gravity closed-loop referral. Entries reference each other by fullUrl (urn:uuid). Conditional create: ' +
      'request.ifNoneExist on the ServiceRequest entry, or the If-None-Exist header, with identifier=system|value. ' +
      'Answers a transaction-response Bundle (entry status 201, or 200 when the referral already existed).',
  })
  @ApiHeader({ name: 'If-None-Exist', required: false })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description:
      'return=representation adds each written ServiceRequest and Task to its entry; OperationOutcome an informational outcome; minimal (as without Prefer) status, location and etag only',
  })
  async transaction(
    @Body() body: unknown,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Bundle> {
    if (isTaskUpdateTransaction(body))
      return withPreferredEntries(res, prefer, ...(await this.updateTask(body, principal)));
    if (!REFERRING_ROLES.includes(principal.role))
      throw new DomainError(
        ErrorCodes.AUTH_FORBIDDEN,
        `This operation needs one of the roles: ${REFERRING_ROLES.join(', ')}`,
        { status: 403 },
      );
    const parsed = parseTransaction(body, principal, ifNoneExist, new Date());
    const entryCount = (body as { entry: unknown[] }).entry.length;
    const result = await this.writer.write(parsed, principal);
    const bundle =
      result.kind === 'intake'
        ? intakeResponse(result.parsed, entryCount, result.referral, result.created)
        : onwardResponse(result.parsed, entryCount, result.children, result.created);
    const written = result.kind === 'intake' ? [result.referral] : result.children;
    return withPreferredEntries(res, prefer, bundle, written);
  }

  /** PUT Task/<id> with POST Procedure entries: one Task update, the Procedures kept contained. */
  private async updateTask(
    body: unknown,
    principal: OperationalPrincipal,
  ): Promise<[Bundle, ReferralDocument[]]> {
    const parsed = readTaskUpdateTransaction(body);
    const doc = await this.taskUpdater.current(
      parsed.taskId,
      principal,
      requiredVersion(parsed, parseIfMatch),
    );
    const result = await this.taskUpdater.apply(doc, parsed.task, 'put', principal, bundleExpression(parsed));
    return [taskUpdateResponse(parsed, result), [result]];
  }
}
