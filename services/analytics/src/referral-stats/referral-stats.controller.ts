import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { ReferralCounterDocument } from './referral-counter.entity';
import { ReferralCounterRepository } from './referral-counter.repository';
import { meanWellbeingChange } from './lifecycle-fact';
import type { TimeToFirstContact } from '../first-contact/domain/first-contact-timeliness';
import { FirstContactRepository } from '../first-contact/first-contact.repository';

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
  /** Days from submission to the patient first reached: of the referrals counted here. */
  timeToFirstContact: TimeToFirstContact;
}

/** An organisation also receives referrals: how fast its workers reached those patients. */
type OrganisationView = CounterView & { timeToFirstContactAsReceiver: TimeToFirstContact };

/** Referral counts: ops see the platform and every organisation; others only their own. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/referrals')
export class ReferralStatsController {
  constructor(
    private readonly counters: ReferralCounterRepository,
    private readonly contacts: FirstContactRepository,
  ) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Referral counts from the event stream (eventually consistent)' })
  async get(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ platform?: CounterView; organisations: OrganisationView[] }> {
    if (principal.role === 'ops') {
      const [platform, organisations, platformContact, asRequester, asOwner] = await Promise.all([
        this.counters.platform(),
        this.counters.allOrganisations(),
        this.contacts.platform(),
        this.contacts.summaries('requesterOrganisationId'),
        this.contacts.summaries('ownerOrganisationId'),
      ]);
      return {
        platform: view(platform, null, platformContact),
        organisations: organisations.map((c) => ({
          ...view(c, c.organisationId, asRequester.get(c.organisationId ?? '') ?? NO_CONTACTS),
          timeToFirstContactAsReceiver: asOwner.get(c.organisationId ?? '') ?? NO_CONTACTS,
        })),
      };
    }
    const id = principal.organisationId;
    const [own, asRequester, asOwner] = await Promise.all([
      this.counters.forOrganisation(id),
      this.contacts.summary('requesterOrganisationId', id),
      this.contacts.summary('ownerOrganisationId', id),
    ]);
    return { organisations: [{ ...view(own, id, asRequester), timeToFirstContactAsReceiver: asOwner }] };
  }
}

/** Demand and outcomes per receiving service (ops): where referrals go, and where they are declined. */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/stats/services')
export class ServiceStatsController {
  constructor(
    private readonly counters: ReferralCounterRepository,
    private readonly contacts: FirstContactRepository,
  ) {}

  @Get(':serviceId')
  @Roles('ops')
  @ApiOperation({
    summary:
      'Moves and coded reasons for one receiving service (e.g. declines for no capacity: unmet demand)',
  })
  async get(@Param('serviceId') serviceId: string): Promise<CounterView & { serviceId: string }> {
    const [counter, contact] = await Promise.all([
      this.counters.forService(serviceId),
      this.contacts.summary('targetServiceId', serviceId),
    ]);
    return { ...view(counter, null, contact), serviceId };
  }
}

const NO_CONTACTS: TimeToFirstContact = { count: 0, medianDays: null, p90Days: null };

function view(
  counter: ReferralCounterDocument | null,
  organisationId: string | null,
  timeToFirstContact: TimeToFirstContact,
): CounterView {
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
    timeToFirstContact,
  };
}
