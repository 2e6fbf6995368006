import type { FieldProblem } from '@sp/errors';

/** What came of a contact attempt. Only `reached` counts as contact made. */
export const CONTACT_OUTCOMES = ['reached', 'no-answer', 'declined', 'wrong-number'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** A contact time may be this far ahead of the server's clock (clients' clocks drift). */
export const CONTACT_CLOCK_TOLERANCE_MS = 2 * 60 * 1000;

/**
 * Problems with a contact's time: not in the future (beyond the clock tolerance) and not before
 * the referral was submitted. Each names its field.
 */
export function contactTimeProblems(at: Date, submittedAt: Date, now: Date): FieldProblem[] {
  if (at.getTime() > now.getTime() + CONTACT_CLOCK_TOLERANCE_MS)
    return [{ field: 'at', code: 'in_future', message: 'at must not be in the future' }];
  if (at.getTime() < submittedAt.getTime())
    return [
      {
        field: 'at',
        code: 'before_referral',
        message: `at must not be before the referral was submitted (${submittedAt.toISOString()})`,
      },
    ];
  return [];
}

/** The facts of a contact that first-contact bookkeeping needs. */
export interface ContactFacts {
  at: Date;
  outcome: ContactOutcome;
}

/**
 * Whether recording `contact` makes the referral's first contact, and how many unsuccessful
 * attempts came before it. Only the first `reached` contact counts: once the referral has a
 * first-contact time, later contacts (and corrections) leave it as it is. Attempts before are
 * the unsuccessful contacts already recorded whose time is before the reaching contact's.
 */
export function firstContact(
  contact: ContactFacts,
  referralFirstContactAt: Date | undefined,
  recorded: readonly ContactFacts[],
): { attemptsBefore: number } | undefined {
  if (contact.outcome !== 'reached' || referralFirstContactAt !== undefined) return undefined;
  const attemptsBefore = recorded.filter(
    (c) => c.outcome !== 'reached' && c.at.getTime() < contact.at.getTime(),
  ).length;
  return { attemptsBefore };
}
