import {
  CRITICAL_EMAIL_KINDS,
  DIGESTED_KINDS,
  EMAIL_KINDS,
  type NotificationPreferences,
} from '../../preferences/domain/notification-preferences';

/** What the email channel does with one organisation notice. */
export type EmailDecision =
  | { action: 'send'; template: string }
  /** Suppressed, and the ledger says why. */
  | { action: 'suppress'; reason: 'preference' | 'digest' }
  /** Not an email kind at all (e.g. an assignment notice): no email, no ledger entry. */
  | { action: 'ignore' };

/** The template of each email kind: `referral.rejected` -> `referral-rejected`. */
export function templateForKind(kind: string): string {
  return kind.replace(/\./g, '-');
}

/**
 * The preference rule: critical notices (cancellation, entered in error, anything caused by
 * consent withdrawal) are always sent at once; a kind switched off is suppressed ('preference');
 * with the daily digest on, new referrals and reminders wait for the digest ('digest').
 */
export function decideEmail(
  notice: { kind: string; critical: boolean },
  preferences: NotificationPreferences,
): EmailDecision {
  if (!EMAIL_KINDS.includes(notice.kind)) {
    return notice.critical
      ? { action: 'send', template: templateForKind(notice.kind) }
      : { action: 'ignore' };
  }
  const template = templateForKind(notice.kind);
  if (notice.critical || CRITICAL_EMAIL_KINDS.includes(notice.kind)) return { action: 'send', template };
  if (preferences.email.kinds[notice.kind] === false) return { action: 'suppress', reason: 'preference' };
  if (preferences.email.digest === 'daily' && DIGESTED_KINDS.includes(notice.kind)) {
    return { action: 'suppress', reason: 'digest' };
  }
  return { action: 'send', template };
}
