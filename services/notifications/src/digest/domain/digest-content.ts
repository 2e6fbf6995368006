/**
 * The daily digest of one organisation: the referrals addressed to it that nobody there has
 * answered yet, sorted into new (arrived since the last digest), overdue (past the reminder
 * point: their response deadline is near or gone) and waiting (the rest). Ids and dates only.
 * Pure: no clock, no I/O.
 */
export interface OpenReferral {
  referralId: string;
  /** When it was submitted (ISO). */
  submittedAt: string;
  /** When the referrals service said an answer is due soon (reminder-due), if it has. */
  remindedAt?: string;
  /** The response deadline, when known (from the reminder). */
  respondBy?: string;
}

export interface DigestContent {
  new: OpenReferral[];
  waiting: OpenReferral[];
  overdue: OpenReferral[];
}

export function digestContent(open: OpenReferral[], since: Date): DigestContent {
  const sorted = [...open].sort(
    (a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.referralId.localeCompare(b.referralId),
  );
  const content: DigestContent = { new: [], waiting: [], overdue: [] };
  for (const referral of sorted) {
    if (referral.remindedAt || referral.respondBy) content.overdue.push(referral);
    else if (new Date(referral.submittedAt).getTime() >= since.getTime()) content.new.push(referral);
    else content.waiting.push(referral);
  }
  return content;
}

export function isEmpty(content: DigestContent): boolean {
  return content.new.length + content.waiting.length + content.overdue.length === 0;
}

const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium' });

/** A London calendar date, e.g. '3 Dec 2026'. */
export function londonDate(at: Date): string {
  return DAY.format(at);
}

/** The London calendar day as YYYY-MM-DD (the digest's idempotency: one per organisation per day). */
export function londonDay(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return parts; // en-CA formats as YYYY-MM-DD
}

function line(referral: OpenReferral, withDeadline: boolean): string {
  const submitted = `submitted ${londonDate(new Date(referral.submittedAt))}`;
  const deadline =
    withDeadline && referral.respondBy ? `, respond by ${londonDate(new Date(referral.respondBy))}` : '';
  return `- ${referral.referralId} (${submitted}${deadline})`;
}

function list(referrals: OpenReferral[], withDeadline = false): string {
  return referrals.length === 0 ? '- none' : referrals.map((r) => line(r, withDeadline)).join('\n');
}

/** The personalisation of the daily-digest template. */
export function digestPersonalisation(
  content: DigestContent,
  at: Date,
  referralsUrl: string,
): Record<string, string> {
  return {
    date: londonDate(at),
    newCount: String(content.new.length),
    waitingCount: String(content.waiting.length),
    overdueCount: String(content.overdue.length),
    newList: list(content.new),
    waitingList: list(content.waiting),
    overdueList: list(content.overdue, true),
    referralsUrl,
  };
}
