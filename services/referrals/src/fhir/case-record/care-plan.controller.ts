import { Controller, Get, Param, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Bundle, CarePlan } from 'fhir/r4';
import type { Request } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { fhirBase, FhirHttpInterceptor } from '../fhir-http';
import type { Query as SearchQuery } from '../search-params';
import { CARE_PLAN_SEARCH_PARAMS, caseSearchset, parseCaseResourceSearch } from './care-plan-search.request';
import { CarePlanUseCase } from './care-plan.use-case';

/** The support plans (case record) at the referrals FHIR base, read-only: CarePlan/<referral id>. */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/CarePlan')
@UseInterceptors(FhirHttpInterceptor)
export class CarePlanController {
  constructor(private readonly plans: CarePlanUseCase) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: "Search the caller's organisation's support plans (subject, _id, _count, _offset)",
    description:
      "Only plans of referrals the caller's organisation holds are found; each one found is audited.",
  })
  async search(
    @Query() query: SearchQuery,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle<CarePlan>> {
    const search = parseCaseResourceSearch(query, CARE_PLAN_SEARCH_PARAMS);
    const page = await this.plans.search(search, principal);
    return caseSearchset({ base: fhirBase(req), type: 'CarePlan', query, search, ...page });
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "Read a referral's support plan (id: the referral's id)" })
  read(@Param('id') id: string, @CurrentPrincipal() principal: OperationalPrincipal): Promise<CarePlan> {
    return this.plans.read(id, principal);
  }
}
