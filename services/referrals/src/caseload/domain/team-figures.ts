/**
 * An organisation's team figures (the `team.caseload-changed.v1` counts), computed from the
 * roster and the open referrals it owns. Pure: the repository reads, this counts.
 */
export interface TeamFigures {
  workers: number;
  workersWithLimit: number;
  assigned: number;
  unassigned: number;
  /** Absent when no worker has a limit (capacity is not limited by staff). */
  limitTotal?: number;
  headroom?: number;
}

export interface TeamSnapshot {
  members: { sub: string; caseloadLimit: number | null }[];
  /** Open referrals owned by the organisation, by assignee sub (undefined: unassigned). */
  openAssignees: (string | undefined)[];
}

export function teamFigures(snapshot: TeamSnapshot): TeamFigures {
  const held = openCountsBySub(snapshot.openAssignees);
  const assigned = snapshot.openAssignees.filter((s) => s !== undefined).length;
  const limited = snapshot.members.filter((m) => m.caseloadLimit !== null);
  const figures: TeamFigures = {
    workers: snapshot.members.length,
    workersWithLimit: limited.length,
    assigned,
    unassigned: snapshot.openAssignees.length - assigned,
  };
  if (limited.length > 0) {
    figures.limitTotal = limited.reduce((sum, m) => sum + m.caseloadLimit!, 0);
    figures.headroom = limited.reduce(
      (sum, m) => sum + Math.max(0, m.caseloadLimit! - (held.get(m.sub) ?? 0)),
      0,
    );
  }
  return figures;
}

export function openCountsBySub(openAssignees: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sub of openAssignees) if (sub !== undefined) counts.set(sub, (counts.get(sub) ?? 0) + 1);
  return counts;
}

/** True when `next` differs from what was last published (nothing published yet: always). */
export function figuresChanged(last: TeamFigures | undefined, next: TeamFigures): boolean {
  if (!last) return true;
  const keys: (keyof TeamFigures)[] = [
    'workers',
    'workersWithLimit',
    'assigned',
    'unassigned',
    'limitTotal',
    'headroom',
  ];
  return keys.some((k) => last[k] !== next[k]);
}
