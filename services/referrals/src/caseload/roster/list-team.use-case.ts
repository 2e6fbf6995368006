import type { TeamRole } from '@sp/identity';
import type { CaseloadRepository } from '../caseload.repository';
import { openCountsBySub } from '../domain/team-figures';
import type { TeamRosterRepository } from './team-roster.repository';

export interface TeamMemberView {
  sub: string;
  name?: string;
  teamRole: TeamRole;
  caseloadLimit: number | null;
  /** Open referrals of the organisation they hold now. */
  openAssigned: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** The roster of an organisation with each person's open caseload (staff identity, no patient data). */
export class ListTeamUseCase {
  constructor(
    private readonly roster: Pick<TeamRosterRepository, 'list'>,
    private readonly caseload: Pick<CaseloadRepository, 'openAssignees'>,
  ) {}

  async execute(organisationId: string): Promise<TeamMemberView[]> {
    const [members, open] = await Promise.all([
      this.roster.list(organisationId),
      this.caseload.openAssignees(organisationId),
    ]);
    const held = openCountsBySub(open);
    return members.map((m) => ({
      sub: m.sub,
      ...(m.name !== undefined ? { name: m.name } : {}),
      teamRole: m.teamRole,
      caseloadLimit: m.caseloadLimit,
      openAssigned: held.get(m.sub) ?? 0,
      firstSeenAt: m.firstSeenAt.toISOString(),
      lastSeenAt: m.lastSeenAt.toISOString(),
    }));
  }
}
