import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { REFERRAL_OPERATIONS, type ReferralOperations } from '../referrals/referral-operations';
import { fhirBase, FhirHttpInterceptor, setVersionHeaders } from './fhir-http';
import { FhirReferralWriter } from './fhir-referral-writer';
import type { ServiceRequest } from './fhir.types';
import { parseServiceRequest } from './referral-from-fhir';
import { toServiceRequest } from './referral-to-fhir';

@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/ServiceRequest')
@UseInterceptors(FhirHttpInterceptor)
export class ServiceRequestController {
  constructor(
    private readonly writer: FhirReferralWriter,
    @Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations,
  ) {}

  @Post()
  @Roles('referrer', 'link-worker')
  @ApiOperation({
    summary:
      'Create a referral from a ServiceRequest (patient and consent contained), or an onward referral (basedOn)',
  })
  @ApiHeader({ name: 'If-None-Exist', required: false, description: 'identifier=system|value' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceRequest> {
    const parsed = parseServiceRequest(body, principal, ifNoneExist, new Date());
    const result = await this.writer.write(parsed, principal);
    const doc = result.kind === 'intake' ? result.referral : result.children[0];
    if (!doc) throw new Error('createOnward returned no child for one target');
    res.status(result.created ? 201 : 200);
    res.setHeader('Location', `${fhirBase(req)}/ServiceRequest/${doc._id}/_history/${doc.version}`);
    setVersionHeaders(res, doc);
    return toServiceRequest(doc);
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read a referral as a ServiceRequest (patient and consent contained)' })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceRequest> {
    const doc = await this.operations.get(id, principal);
    setVersionHeaders(res, doc);
    return toServiceRequest(doc);
  }
}
