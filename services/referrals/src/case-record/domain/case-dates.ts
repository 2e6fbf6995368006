/**
 * Calendar dates of the case record (due dates) are days in the UK (Europe/London), where the
 * platform's link workers and VCS organisations work. Pure.
 */
export const CASE_TIME_ZONE = 'Europe/London';

/** A client's clock may be this far ahead of the server's for "not in the future" checks. */
export const CLOCK_TOLERANCE_MS = 2 * 60 * 1000;

const ymd = new Intl.DateTimeFormat('en-CA', {
  timeZone: CASE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The UK calendar date (YYYY-MM-DD) at `at`. */
export function ukDate(at: Date): string {
  return ymd.format(at);
}

/** Minutes the UK is ahead of UTC at `at` (0 in winter, 60 in summer). */
function ukOffsetMinutes(at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: CASE_TIME_ZONE, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(parts ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

/** The instant a UK calendar date (YYYY-MM-DD) ends: midnight at the start of the next UK day. */
export function endOfUkDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const nextMidnightUtc = Date.UTC(y, m - 1, d + 1);
  // The offset in force at that local midnight (clocks change at 01:00 UTC, never at midnight).
  return new Date(nextMidnightUtc - ukOffsetMinutes(new Date(nextMidnightUtc)) * 60_000);
}

/** True when `at` is later than `now` beyond the clock tolerance. */
export function isInFuture(at: Date, now: Date): boolean {
  return at.getTime() > now.getTime() + CLOCK_TOLERANCE_MS;
}
