// Trust signals of a service from its referral records. Pure.
//
// - median time to first response: over referrals the service answered (accepted or rejected),
//   hours from submission to that first answer;
// - acceptance rate: accepted / (accepted + rejected + expired): a referral left to time out counts
//   against the service like a rejection; referrals cancelled before an answer do not count;
// - completion rate: completed / (completed + failed);
// - referrals in the last 90 days: submitted within 90 days before now;
// - sample size: referrals the acceptance rate is computed from.
// Referrals entered in error are left out of everything.
import type { TrustSignals } from '../../signals/service-signals.port';
import type { ReferralRecord } from '../../signals/domain/referral-record';

const DAY_MS = 86_400_000;
export const RECENT_DAYS = 90;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 1000) / 1000;
}

/** Everything but referralsLast90Days, which depends on the day it is read (see submittedPerDay). */
export type TrustAggregate = Omit<TrustSignals, 'referralsLast90Days'>;

export function trustAggregate(records: ReferralRecord[]): TrustAggregate {
  const valid = records.filter((r) => !r.enteredInError);
  const responseHours = valid
    .filter((r) => r.firstResponseAt !== undefined)
    .map((r) => (Date.parse(r.firstResponseAt!) - Date.parse(r.submittedAt)) / 3_600_000);
  const accepted = valid.filter((r) => r.everAccepted).length;
  const expired = valid.filter((r) => r.expired && !r.everAccepted).length;
  const rejected = valid.filter((r) => r.status === 'rejected' && !r.expired && !r.everAccepted).length;
  const completed = valid.filter((r) => r.status === 'completed').length;
  const failed = valid.filter((r) => r.status === 'failed').length;
  const med = median(responseHours);
  return {
    medianHoursToFirstResponse: med === null ? null : Math.round(med * 10) / 10,
    acceptanceRate: ratio(accepted, accepted + rejected + expired),
    completionRate: ratio(completed, completed + failed),
    sampleSize: accepted + rejected + expired,
  };
}

/** Submissions per UTC day ("2025-06-01": 3), for the last `keepDays` days before now. */
export function submittedPerDay(
  records: ReferralRecord[],
  now: Date,
  keepDays = RECENT_DAYS + 30,
): Record<string, number> {
  const from = now.getTime() - keepDays * DAY_MS;
  const out: Record<string, number> = {};
  for (const r of records) {
    if (r.enteredInError) continue;
    const at = Date.parse(r.submittedAt);
    if (at < from) continue;
    const day = new Date(at).toISOString().slice(0, 10);
    out[day] = (out[day] ?? 0) + 1;
  }
  return out;
}

/** Referrals submitted in the `days` days up to now (whole UTC days, today included). */
export function countSince(perDay: Record<string, number>, now: Date, days = RECENT_DAYS): number {
  const first = new Date(now.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  return Object.entries(perDay)
    .filter(([day]) => day >= first)
    .reduce((sum, [, n]) => sum + n, 0);
}
