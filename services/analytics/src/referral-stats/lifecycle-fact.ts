/**
 * What analytics keeps from a referral lifecycle event, and the counter increments it causes.
 * Pure: no framework, unit-tested in lifecycle-fact.spec.ts.
 */
export interface Ons4Scores {
  lifeSatisfaction: number;
  worthwhile: number;
  happiness: number;
  anxiety: number;
}

export interface LifecycleFact {
  eventId: string;
  requesterOrganisationId: string;
  targetServiceId?: string;
  /** Task status the referral moved to; absent for facts that are not moves (consent withdrawal). */
  toStatus?: string;
  reasonCode?: string;
  consentWithdrawn?: boolean;
  wellbeing?: { baseline?: Ons4Scores; followUp?: Ons4Scores };
  occurredAt: string;
}

const ITEMS = ['lifeSatisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;

/** Mongo `$inc` document for one fact. Keys are codes from closed enums, safe as field names. */
export function countersFor(fact: LifecycleFact): { $inc: Record<string, number> } {
  const inc: Record<string, number> = {};
  if (fact.toStatus) inc[`transitions.${fact.toStatus}`] = 1;
  if (fact.reasonCode) inc[`reasons.${fact.reasonCode}`] = 1;
  if (fact.consentWithdrawn) inc.consentWithdrawn = 1;
  const { baseline, followUp } = fact.wellbeing ?? {};
  if (baseline && followUp) {
    inc['wellbeing.pairs'] = 1;
    for (const item of ITEMS) inc[`wellbeing.${item}`] = followUp[item] - baseline[item];
  }
  return { $inc: inc };
}

/** Mean ONS4 change per item over the referrals that recorded baseline and follow-up. */
export function meanWellbeingChange(
  w: { pairs: number } & Record<(typeof ITEMS)[number], number>,
): Record<(typeof ITEMS)[number], number> | null {
  if (!w.pairs) return null;
  return Object.fromEntries(ITEMS.map((i) => [i, Math.round((w[i] / w.pairs) * 100) / 100])) as Record<
    (typeof ITEMS)[number],
    number
  >;
}
