import type { OutboxRelay } from '@sp/messaging';
import type { Actor } from '../../domain/referral-intake.rules';
import type { ReferralRepository } from '../../referrals/referral.repository';
import { CaseloadErrors } from '../caseload.errors';
import { maySetCaseloadLimit } from '../domain/assignment.rules';
import type { TeamMemberDocument, TeamRosterRepository } from '../roster/team-roster.repository';
import type { TeamRepository } from '../team-figures/team.repository';

/**
 * A team lead sets (or clears, with null) how many open referrals a person of their organisation
 * may hold. Referrals already held stay; later assignments over the limit are refused unless a
 * team lead overrides. The limit and the team figures change in one transaction.
 */
export class SetCaseloadLimitUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'inTransaction'>,
    private readonly roster: Pick<TeamRosterRepository, 'setLimit' | 'find'>,
    private readonly teams: Pick<TeamRepository, 'refresh'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  async execute(actor: Actor, sub: string, limit: number | null): Promise<TeamMemberDocument> {
    if (!maySetCaseloadLimit(actor))
      throw CaseloadErrors.teamLeadRequired('Only a team lead, signed in, sets caseload limits');
    const organisationId = actor.organisationId;
    const by = { clientId: actor.clientId, ...(actor.person ? { sub: actor.person.sub } : {}) };
    const { member, published } = await this.referrals.inTransaction(async (session) => {
      const now = new Date();
      if (!(await this.roster.setLimit(organisationId, sub, limit, by, now, session)))
        throw CaseloadErrors.memberNotFound(sub);
      const published = await this.teams.refresh(organisationId, session, now);
      return { member: (await this.roster.find(organisationId, sub, session))!, published };
    });
    if (published) this.relay.kick();
    return member;
  }
}
