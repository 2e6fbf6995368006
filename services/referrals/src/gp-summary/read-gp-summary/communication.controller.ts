import { Controller, Get, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Bundle, BundleLink, Communication } from 'fhir/r4';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ContactCommunicationUseCase } from '../../fhir/case-record/contact-communication.use-case';
import { fhirBase, FhirHttpInterceptor } from '../../fhir/fhir-http';
import { weakEtag } from '../../fhir/referral-to-fhir';
import { values, type Query as SearchQuery } from '../../fhir/search-params';
import { COMMUNICATION_SEARCH_PARAMS, parseCommunicationSearch } from './communication-search.request';
import { toCommunication } from './gp-summary-to-communication';
import { ReadGpSummaryUseCase } from './read-gp-summary.use-case';

/**
 * Communications at the referrals FHIR base, read-only, of two kinds told apart by category: the
 * GP summaries (message back to the referrer, HL7 `notification`) and the contacts with the
 * patient recorded in the case record (platform `patient-contact`). A search returns the GP
 * summaries first, then the contacts, paged as one list.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Communication')
@UseInterceptors(FhirHttpInterceptor)
export class CommunicationController {
  constructor(
    private readonly summaries: ReadGpSummaryUseCase,
    private readonly contacts: ContactCommunicationUseCase,
  ) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Search GP summaries of closed referrals and contacts with the patient (based-on, category, subject, recipient, recipient:identifier, _lastUpdated)',
    description:
      'Only what the caller may read is found: GP summaries addressed to its practice or of referrals it closed; contacts recorded on referrals its organisation holds. Each one found is audited.',
  })
  async search(
    @Query() query: SearchQuery,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle<Communication>> {
    const parsed = parseCommunicationSearch(query);
    const summaries = parsed.kinds.gpSummaries
      ? await this.summaries.search(parsed, principal)
      : { total: 0, items: [] };
    const contacts = parsed.kinds.contacts
      ? await this.contacts.search(
          {
            ...(parsed.referralId !== undefined ? { referralId: parsed.referralId } : {}),
            ...(parsed.patientKey !== undefined ? { patientKey: parsed.patientKey } : {}),
            ...(parsed.createdAfter ? { updatedAfter: parsed.createdAfter } : {}),
            ...(parsed.createdBefore ? { updatedBefore: parsed.createdBefore } : {}),
            offset: Math.max(0, parsed.offset - summaries.total),
            count: parsed.count - summaries.items.length,
          },
          principal,
        )
      : { total: 0, items: [] };
    const total = summaries.total + contacts.total;
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
    if (parsed.offset + parsed.count < total)
      link.push({ relation: 'next', url: url(parsed.offset + parsed.count) });
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total,
      link,
      entry: [
        ...summaries.items.map(({ summary, patient }) => toCommunication(summary, patient)),
        ...contacts.items,
      ].map((resource) => ({
        fullUrl: `${base}/Communication/${resource.id!}`,
        resource,
        search: { mode: 'match' as const },
      })),
    };
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Read a GP summary of a closed referral, or a contact with the patient, as a Communication',
  })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Communication> {
    const contact = await this.contacts.read(id, principal);
    if (contact) {
      res.setHeader('ETag', weakEtag(Number(contact.meta!.versionId)));
      res.setHeader('Last-Modified', new Date(contact.meta!.lastUpdated!).toUTCString());
      return contact;
    }
    const { summary, patient } = await this.summaries.read(id, principal);
    res.setHeader('ETag', weakEtag(1));
    res.setHeader('Last-Modified', summary.createdAt.toUTCString());
    return toCommunication(summary, patient);
  }
}
