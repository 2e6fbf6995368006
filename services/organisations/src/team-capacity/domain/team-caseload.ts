// The caseload of a receiving organisation's team of link workers, as the referrals service
// announces it (team.caseload-changed.v1): counts only. Pure: no framework, no I/O.
//
// Ordering: every change carries a teamVersion that only grows. An event whose version is not
// newer than the one stored is stale or a redelivery and changes nothing, so events applied
// twice, late or out of order leave the newest figures in place.

export interface TeamCaseload {
  organisationId: string;
  workers: number;
  workersWithLimit: number;
  assigned: number;
  unassigned: number;
  /** Sum of the limits set (absent: no worker has a limit). */
  limitTotal?: number;
  /** Places left under the limits (absent: staff do not limit capacity). */
  headroom?: number;
  teamVersion: number;
  occurredAt: string;
}

/** Whether `incoming` should replace what is stored (strictly newer teamVersion). */
export function supersedes(
  stored: Pick<TeamCaseload, 'teamVersion'> | null,
  incoming: TeamCaseload,
): boolean {
  return stored === null || incoming.teamVersion > stored.teamVersion;
}

/** The headroom that limits the organisation's services: undefined when no limit is set. */
export function teamHeadroomOf(team: Pick<TeamCaseload, 'headroom'> | null): number | undefined {
  return team?.headroom === undefined ? undefined : Math.max(0, team.headroom);
}
