import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { ReferralCounterDocument } from './referral-counter.entity';
import { ReferralCounterRepository } from './referral-counter.repository';
import { meanWellbeingChange } from './lifecycle-fact';

interface CounterView {
  organisationId: string | null;
  submitted: number;
  byPriority: Record<string, number>;
  /** Moves into each Task status. */
  transitions: Record<string, number>;
  /** Coded reasons for rejections, cancellations, holds, failures and expiries. */
  reasons: Record<string, number>;
  consentWithdrawn: number;
  /** Mean ONS4 change (follow-up minus baseline) over completed referrals that recorded both. */
  wellbeingChange: { pairs: number; mean: Record<string, number> | null };
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

/** Demand and outcomes per receiving service (ops): where referrals go, and where they are declined. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/services')
export class ServiceStatsController {
  constructor(private readonly counters: ReferralCounterRepository) {}

  @Get(':serviceId')
  @Roles('ops')
  @ApiOperation({
    summary:
      'Moves and coded reasons for one receiving service (e.g. declines for no capacity: unmet demand)',
  })
  async get(@Param('serviceId') serviceId: string): Promise<CounterView & { serviceId: string }> {
    return { ...view(await this.counters.forService(serviceId), null), serviceId };
  }
}

function view(counter: ReferralCounterDocument | null, organisationId: string | null): CounterView {
  return {
    organisationId,
    submitted: counter?.submitted ?? 0,
    byPriority: counter?.byPriority ?? {},
    transitions: counter?.transitions ?? {},
    reasons: counter?.reasons ?? {},
    consentWithdrawn: counter?.consentWithdrawn ?? 0,
    wellbeingChange: {
      pairs: counter?.wellbeing?.pairs ?? 0,
      mean: counter?.wellbeing ? meanWellbeingChange(counter.wellbeing) : null,
    },
    lastEventAt: counter?.lastEventAt ?? null,
  };
}
