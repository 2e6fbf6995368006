import { Controller, Get, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Bundle, BundleLink, Communication } from 'fhir/r4';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { fhirBase, FhirHttpInterceptor } from '../../fhir/fhir-http';
import { weakEtag } from '../../fhir/referral-to-fhir';
import { values, type Query as SearchQuery } from '../../fhir/search-params';
import { COMMUNICATION_SEARCH_PARAMS, parseCommunicationSearch } from './communication-search.request';
import { toCommunication } from './gp-summary-to-communication';
import { ReadGpSummaryUseCase } from './read-gp-summary.use-case';

/** The GP summaries (message back to the referrer) at the referrals FHIR base, read-only. */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Communication')
@UseInterceptors(FhirHttpInterceptor)
export class CommunicationController {
  constructor(private readonly summaries: ReadGpSummaryUseCase) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Search GP summaries of closed referrals (based-on, recipient, recipient:identifier, _lastUpdated)',
    description:
      'Only summaries the caller may read are found: those addressed to its practice and those of referrals it closed. Each one found is audited.',
  })
  async search(
    @Query() query: SearchQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<Bundle<Communication>> {
    const parsed = parseCommunicationSearch(query);
    const page = await this.summaries.search(parsed, principal);
    const base = fhirBase(req);
    const url = (offset: number): string => {
      const params = new URLSearchParams();
      for (const name of COMMUNICATION_SEARCH_PARAMS) {
        if (name === '_count' || name === '_offset') continue;
        for (const v of values(query, name)) params.append(name, v);
      }
      params.set('_count', String(parsed.count));
      params.set('_offset', String(offset));
      return `${base}/Communication?${params.toString()}`;
    };
    const link: BundleLink[] = [
      { relation: 'self', url: url(parsed.offset) },
      { relation: 'first', url: url(0) },
    ];
    if (parsed.offset > 0)
      link.push({ relation: 'previous', url: url(Math.max(0, parsed.offset - parsed.count)) });
    if (parsed.offset + parsed.count < page.total)
      link.push({ relation: 'next', url: url(parsed.offset + parsed.count) });
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: page.total,
      link,
      entry: page.items.map(({ summary, patient }) => ({
        fullUrl: `${base}/Communication/${summary._id}`,
        resource: toCommunication(summary, patient),
        search: { mode: 'match' },
      })),
    };
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read the GP summary of a closed referral as a Communication' })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Communication> {
    const { summary, patient } = await this.summaries.read(id, principal);
    res.setHeader('ETag', weakEtag(1));
    res.setHeader('Last-Modified', summary.createdAt.toUTCString());
    return toCommunication(summary, patient);
  }
}
