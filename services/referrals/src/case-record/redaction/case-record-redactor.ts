import type { ClientSession } from 'mongodb';

/**
 * One part of the case record (contacts, notes, what matters, needs, plan, wellbeing...) that
 * holds free text. On consent withdrawal it removes that text from every entry of the referrals
 * given, inside the withdrawal's transaction, keeping the coded, non-identifying facts (times,
 * codes, authors) and marking each entry `redactedAt`. Must be idempotent (a repeated withdrawal
 * redacts nothing new) and must write only through `session`.
 */
export interface RedactablePart {
  redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void>;
}

/**
 * Redacts every registered case-record part for the referrals whose consent was withdrawn. The
 * parts are registered in case-record.wiring.ts (CASE_RECORD_REDACTABLE_PARTS).
 */
export class CaseRecordRedactor {
  constructor(private readonly parts: readonly RedactablePart[]) {}

  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    if (referralIds.length === 0) return;
    // Sequential: one session carries one transaction, and a session must not run operations
    // concurrently.
    for (const part of this.parts) await part.redactForConsentWithdrawal(referralIds, session, now);
  }
}
