import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { ReferralFact } from '../read-models/domain/referral-fact';
import {
  READ_MODEL_READER,
  type FactScope,
  type Period,
  type ReadModelReader,
} from '../read-models/read-model.reader';
import type { DurationSummary } from '../reports/domain/percentile';
import { byOrganisation, referralStats, type ReferralStats } from './domain/referral-stats';

type CounterView = ReferralStats & { organisationId: string | null };
/** An organisation also receives referrals: how fast its workers reached those patients. */
type OrganisationView = CounterView & { timeToFirstContactAsReceiver: DurationSummary };

/** All time: every referral the read model holds (submitted before the year 10000). */
const ALL_TIME: Period = { from: new Date(0), to: new Date(Date.UTC(9999, 11, 31)) };

function organisationView(
  id: string,
  asRequester: ReferralFact[],
  asOwner: ReferralFact[],
): OrganisationView {
  return {
    ...referralStats(asRequester),
    organisationId: id,
    timeToFirstContactAsReceiver: referralStats(asOwner).timeToFirstContact,
  };
}

/**
 * All-time referral counts (the former counters' view, now computed from the referral facts): ops
 * see the platform and every organisation; others only their own. Exact figures: period reports
 * with suppression are under /v1/reports.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/referrals')
export class ReferralStatsController {
  constructor(@Inject(READ_MODEL_READER) private readonly reader: ReadModelReader) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'All-time referral counts per organisation (eventually consistent)' })
  async get(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ platform?: CounterView; organisations: OrganisationView[] }> {
    if (principal.role === 'ops') {
      const facts = await this.reader.referralFacts(ALL_TIME, { all: true });
      const asRequester = byOrganisation(facts, 'requesterOrganisationId');
      const asOwner = byOrganisation(facts, 'ownerOrganisationId');
      const ids = [...new Set([...asRequester.keys(), ...asOwner.keys()])].sort();
      return {
        platform: { ...referralStats(facts), organisationId: null },
        organisations: ids.map((id) =>
          organisationView(id, asRequester.get(id) ?? [], asOwner.get(id) ?? []),
        ),
      };
    }
    const id = principal.organisationId;
    const scope: FactScope = { requesterOrganisationIds: [id], ownerOrganisationIds: [id] };
    const facts = await this.reader.referralFacts(ALL_TIME, scope);
    return {
      organisations: [
        organisationView(
          id,
          facts.filter((f) => f.requesterOrganisationId === id),
          facts.filter((f) => f.ownerOrganisationId === id),
        ),
      ],
    };
  }
}

/** Demand and outcomes per receiving service (ops): where referrals go, and where they are declined. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/services')
export class ServiceStatsController {
  constructor(@Inject(READ_MODEL_READER) private readonly reader: ReadModelReader) {}

  @Get(':serviceId')
  @Roles('ops')
  @ApiOperation({
    summary:
      'All-time moves and coded reasons for one receiving service (refusals at intake: /v1/reports/unmet-demand)',
  })
  async get(@Param('serviceId') serviceId: string): Promise<CounterView & { serviceId: string }> {
    const facts = await this.reader.referralFacts(ALL_TIME, { all: true });
    const own = facts.filter((f) => f.targetServiceId === serviceId);
    return { ...referralStats(own), organisationId: null, serviceId };
  }
}
