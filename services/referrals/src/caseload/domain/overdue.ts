/**
 * When a case is overdue: nobody has reached the patient within the first-contact target of the
 * referral being accepted or assigned, or the support plan's next review date has passed. Pure.
 */
export const OVERDUE_REASONS = ['first-contact', 'plan-review'] as const;
export type OverdueReason = (typeof OVERDUE_REASONS)[number];

export interface OverdueFacts {
  firstContactAt?: Date;
  /** When the organisation accepted (or claimed) the referral, if it has. */
  acceptedAt?: Date;
  /** When it was (last) assigned, if it is. */
  assignedAt?: Date;
  planNextDueAt?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The moment before which acceptance or assignment makes a case without first contact overdue. */
export function firstContactCutoff(now: Date, targetDays: number): Date {
  return new Date(now.getTime() - targetDays * DAY_MS);
}

export function overdueReasons(facts: OverdueFacts, now: Date, targetDays: number): OverdueReason[] {
  const reasons: OverdueReason[] = [];
  const cutoff = firstContactCutoff(now, targetDays).getTime();
  const clocks = [facts.acceptedAt, facts.assignedAt].filter((d): d is Date => d !== undefined);
  if (!facts.firstContactAt && clocks.some((d) => d.getTime() < cutoff)) reasons.push('first-contact');
  if (facts.planNextDueAt && facts.planNextDueAt.getTime() < now.getTime()) reasons.push('plan-review');
  return reasons;
}
