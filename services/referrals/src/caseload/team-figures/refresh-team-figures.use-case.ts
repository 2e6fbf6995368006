import type { OutboxRelay } from '@sp/messaging';
import type { ReferralRepository } from '../../referrals/referral.repository';
import type { TeamRepository } from './team.repository';

/**
 * A referral of an organisation with a team closed (or its consent was withdrawn): recount the
 * team's figures. Idempotent: the figures are recounted from the database and published only if
 * they differ from the last published, so a redelivered event, or one whose change another
 * recount already published, adds nothing. Organisations that never assigned or set a limit have
 * no team document and are left alone.
 */
export class RefreshTeamFiguresUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'findById'>,
    private readonly teams: Pick<TeamRepository, 'exists' | 'refresh'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  async afterClosing(referralId: string, ownerOrganisationId?: string): Promise<'published' | 'unchanged'> {
    const owner = ownerOrganisationId ?? (await this.referrals.findById(referralId))?.ownerOrganisationId;
    if (owner === undefined) return 'unchanged';
    const published = await this.referrals.inTransaction(async (session) =>
      (await this.teams.exists(owner, session)) ? this.teams.refresh(owner, session) : false,
    );
    if (published) this.relay.kick();
    return published ? 'published' : 'unchanged';
  }
}
