import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { ReferralCounterDocument } from './referral-counter.entity';
import { ReferralCounterRepository } from './referral-counter.repository';

interface CounterView {
  organisationId: string | null;
  submitted: number;
  byPriority: Record<string, number>;
  lastEventAt: string | null;
}

/** Referral counts: ops see the platform and every organisation; others only their own. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/referrals')
export class ReferralStatsController {
  constructor(private readonly counters: ReferralCounterRepository) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Referral counts from the event stream (eventually consistent)' })
  async get(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ platform?: CounterView; organisations: CounterView[] }> {
    if (principal.role === 'ops') {
      const [platform, organisations] = await Promise.all([
        this.counters.platform(),
        this.counters.allOrganisations(),
      ]);
      return {
        platform: view(platform, null),
        organisations: organisations.map((c) => view(c, c.organisationId)),
      };
    }
    const own = await this.counters.forOrganisation(principal.organisationId);
    return { organisations: [view(own, principal.organisationId)] };
  }
}

function view(counter: ReferralCounterDocument | null, organisationId: string | null): CounterView {
  return {
    organisationId,
    submitted: counter?.submitted ?? 0,
    byPriority: counter?.byPriority ?? {},
    lastEventAt: counter?.lastEventAt ?? null,
  };
}
