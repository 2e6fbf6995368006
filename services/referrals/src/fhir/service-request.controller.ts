import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import {
  REFERRAL_OPERATIONS,
  type ReferralOperations,
  type ReferralPage,
} from '../referrals/referral-operations';
import {
  fhirBase,
  FhirHttpInterceptor,
  preferredBody,
  returnPreference,
  setVersionHeaders,
} from './fhir-http';
import { FhirReferralWriter } from './fhir-referral-writer';
import type { Bundle, OperationOutcome, ServiceRequest } from './fhir.types';
import { PATIENT_KEYS, type PatientKeys } from './patient-keys';
import { parseServiceRequest } from './referral-from-fhir';
import { toServiceRequest } from './referral-to-fhir';
import { parseServiceRequestSearch, serviceRequestSearchset } from './service-request-search';

@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/ServiceRequest')
@UseInterceptors(FhirHttpInterceptor)
export class ServiceRequestController {
  constructor(
    private readonly writer: FhirReferralWriter,
    @Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Search referrals as ServiceRequests (subject:identifier, requester, performer, status, based-on, _id, _lastUpdated, _count, _offset)',
    description:
      'Only referrals the caller may see are found (others are simply absent); each one found is audited. ' +
      "subject:identifier=https://fhir.nhs.uk/Id/nhs-number|<NHS number> finds one patient's referrals.",
  })
  async search(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle> {
    const parsed = parseServiceRequestSearch(query);
    const search =
      parsed.nhsNumber !== undefined
        ? { ...parsed.search, patientKey: this.patientKeys.keyFor(parsed.nhsNumber) }
        : parsed.search;
    const page: ReferralPage = parsed.matchesNothing
      ? { total: 0, items: [] }
      : await this.operations.search(search, principal);
    return serviceRequestSearchset(fhirBase(req), query, parsed, page);
  }

  @Post()
  @Roles('referrer', 'link-worker')
  @ApiOperation({
    summary:
      'Create a referral from a ServiceRequest (patient and consent contained), or an onward referral (basedOn)',
  })
  @ApiHeader({ name: 'If-None-Exist', required: false, description: 'identifier=system|value' })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: 'return=representation (default) | minimal (no body) | OperationOutcome',
  })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceRequest | OperationOutcome | undefined> {
    const parsed = parseServiceRequest(body, principal, ifNoneExist, new Date());
    const result = await this.writer.write(parsed, principal);
    const doc = result.kind === 'intake' ? result.referral : result.children[0];
    if (!doc) throw new Error('createOnward returned no child for one target');
    res.status(result.created ? 201 : 200);
    res.setHeader('Location', `${fhirBase(req)}/ServiceRequest/${doc._id}/_history/${doc.version}`);
    setVersionHeaders(res, doc);
    return preferredBody(
      res,
      returnPreference(prefer),
      toServiceRequest(doc),
      `ServiceRequest/${doc._id} ${result.created ? 'created' : 'already existed'} (version ${doc.version})`,
    );
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read a referral as a ServiceRequest (patient and consent contained)' })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceRequest> {
    const doc = await this.operations.get(id, principal);
    setVersionHeaders(res, doc);
    return toServiceRequest(doc);
  }
}
