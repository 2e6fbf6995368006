import type { ReferralCounterDocument } from './referral-counter.entity';

function addMaps(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [key, n] of Object.entries(from ?? {})) into[key] = (into[key] ?? 0) + n;
}

/**
 * Adds counter documents up (the shards of one counter, or the platform totals); null when there
 * is none. Pure.
 */
export function sumCounters(
  counters: ReferralCounterDocument[],
  identity: Pick<ReferralCounterDocument, '_id' | 'organisationId' | 'serviceId'> = {
    _id: 'platform',
    organisationId: null,
  },
): ReferralCounterDocument | null {
  if (counters.length === 0) return null;
  const total: ReferralCounterDocument = {
    ...identity,
    submitted: 0,
    byPriority: {},
    transitions: {},
    reasons: {},
    consentWithdrawn: 0,
    wellbeing: { pairs: 0, lifeSatisfaction: 0, worthwhile: 0, happiness: 0, anxiety: 0 },
    lastEventAt: '',
  };
  for (const c of counters) {
    total.submitted += c.submitted ?? 0;
    addMaps(total.byPriority, c.byPriority);
    addMaps(total.transitions!, c.transitions);
    addMaps(total.reasons!, c.reasons);
    total.consentWithdrawn! += c.consentWithdrawn ?? 0;
    if (c.wellbeing) {
      const w = total.wellbeing!;
      w.pairs += c.wellbeing.pairs ?? 0;
      w.lifeSatisfaction += c.wellbeing.lifeSatisfaction ?? 0;
      w.worthwhile += c.wellbeing.worthwhile ?? 0;
      w.happiness += c.wellbeing.happiness ?? 0;
      w.anxiety += c.wellbeing.anxiety ?? 0;
    }
    if ((c.lastEventAt ?? '') > total.lastEventAt) total.lastEventAt = c.lastEventAt;
  }
  return total;
}
