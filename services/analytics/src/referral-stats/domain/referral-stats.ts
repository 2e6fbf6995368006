import type { Ons4, ReferralFact } from '../../read-models/domain/referral-fact';
import { daysBetween, summariseDays, type DurationSummary } from '../../reports/domain/percentile';

/**
 * The all-time referral statistics of /v1/stats/* (the shape the former counters served), computed
 * from referral facts. Pure: no framework, unit-tested in referral-stats.spec.ts.
 *
 * Differences from the former counters: a move is counted once per referral (the first time it
 * reached that status), holds are not counted (facts keep no hold history), and entered-in-error
 * referrals are left out altogether (the reader excludes them).
 */
export interface ReferralStats {
  submitted: number;
  byPriority: Record<string, number>;
  /** Referrals that moved into each Task status (accepted, rejected, in-progress, completed...). */
  transitions: Record<string, number>;
  /** Coded reasons of rejections (expiry: no-response), cancellations and failures. */
  reasons: Record<string, number>;
  consentWithdrawn: number;
  /** Mean ONS4 change (follow-up minus baseline) over completed referrals that recorded both. */
  wellbeingChange: { pairs: number; mean: Record<keyof Ons4, number> | null };
  /** The latest time any of these referrals changed (ISO), null when there is none. */
  lastEventAt: string | null;
  /** Days from submission to the patient first reached (nearest-rank median and 90th percentile). */
  timeToFirstContact: DurationSummary;
}

const ITEMS = ['lifeSatisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;

function add(into: Record<string, number>, key: string | undefined): void {
  if (key) into[key] = (into[key] ?? 0) + 1;
}

/** The status moves a fact records, each with the time it happened. */
function moves(f: ReferralFact): Array<[string, Date | undefined]> {
  return [
    ['accepted', f.acceptedAt],
    ['rejected', f.rejectedAt ?? f.expiredAt],
    ['in-progress', f.startedAt],
    ['completed', f.completedAt],
    ['cancelled', f.cancelledAt],
    ['failed', f.failedAt],
  ];
}

function times(f: ReferralFact): Array<Date | undefined> {
  return [
    f.submittedAt,
    ...moves(f).map(([, at]) => at),
    f.expiredAt,
    f.firstContactAt,
    f.consentWithdrawnAt,
  ];
}

export function referralStats(facts: readonly ReferralFact[]): ReferralStats {
  const stats: ReferralStats = {
    submitted: 0,
    byPriority: {},
    transitions: {},
    reasons: {},
    consentWithdrawn: 0,
    wellbeingChange: { pairs: 0, mean: null },
    lastEventAt: null,
    timeToFirstContact: summariseDays([]),
  };
  const change = { lifeSatisfaction: 0, worthwhile: 0, happiness: 0, anxiety: 0 };
  const contactDays: number[] = [];
  let last = -Infinity;
  for (const f of facts) {
    if (f.submittedAt) {
      stats.submitted += 1;
      add(stats.byPriority, f.priority);
    }
    for (const [status, at] of moves(f)) if (at) add(stats.transitions, status);
    add(stats.reasons, f.expiredAt && !f.rejectionReason ? 'no-response' : f.rejectionReason);
    add(stats.reasons, f.cancellationReason);
    add(stats.reasons, f.failureReason);
    if (f.consentWithdrawnAt) stats.consentWithdrawn += 1;
    const { baseline, followUp } = f.wellbeing ?? {};
    if (f.completedAt && baseline && followUp) {
      stats.wellbeingChange.pairs += 1;
      for (const item of ITEMS) change[item] += followUp[item] - baseline[item];
    }
    if (f.submittedAt && f.firstContactAt) contactDays.push(daysBetween(f.submittedAt, f.firstContactAt));
    for (const at of times(f)) if (at && at.getTime() > last) last = at.getTime();
  }
  const pairs = stats.wellbeingChange.pairs;
  if (pairs > 0) {
    stats.wellbeingChange.mean = Object.fromEntries(
      ITEMS.map((i) => [i, Math.round((change[i] / pairs) * 100) / 100]),
    ) as Record<keyof Ons4, number>;
  }
  stats.lastEventAt = Number.isFinite(last) ? new Date(last).toISOString() : null;
  stats.timeToFirstContact = summariseDays(contactDays);
  return stats;
}

/** Facts grouped by one organisation field (ids present only). */
export function byOrganisation(
  facts: readonly ReferralFact[],
  field: 'requesterOrganisationId' | 'ownerOrganisationId',
): Map<string, ReferralFact[]> {
  const groups = new Map<string, ReferralFact[]>();
  for (const f of facts) {
    const id = f[field];
    if (!id) continue;
    const group = groups.get(id);
    if (group) group.push(f);
    else groups.set(id, [f]);
  }
  return groups;
}
