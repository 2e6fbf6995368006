import { Controller, Get, Param, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Bundle, Goal } from 'fhir/r4';
import type { Request } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { fhirBase, FhirHttpInterceptor } from '../fhir-http';
import type { Query as SearchQuery } from '../search-params';
import { caseSearchset, parseCaseResourceSearch } from './care-plan-search.request';
import { GOAL_SEARCH_PARAMS } from './goal-search.request';
import { GoalUseCase } from './goal.use-case';

/** What matters to the person (case record) at the referrals FHIR base, read-only. */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Goal')
@UseInterceptors(FhirHttpInterceptor)
export class GoalController {
  constructor(private readonly goals: GoalUseCase) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: "Search what matters to the caller's organisation's patients (subject, _id, _count, _offset)",
    description:
      "Only Goals of referrals the caller's organisation holds are found; each one found is audited.",
  })
  async search(
    @Query() query: SearchQuery,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle<Goal>> {
    const search = parseCaseResourceSearch(query, GOAL_SEARCH_PARAMS);
    const page = await this.goals.search(search, principal);
    return caseSearchset({ base: fhirBase(req), type: 'Goal', query, search, ...page });
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read what matters to the person (a Goal)' })
  read(@Param('id') id: string, @CurrentPrincipal() principal: OperationalPrincipal): Promise<Goal> {
    return this.goals.read(id, principal);
  }
}
