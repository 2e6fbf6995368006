/**
 * Calendar buckets of an instant, in UTC (report periods are UTC instants too, so a bucket never
 * depends on the server's time zone; near midnight in British Summer Time an event can fall in the
 * previous UTC day, which is the documented price of that choice).
 * - month: 'YYYY-MM'
 * - week: ISO 8601 week 'YYYY-Www' (weeks start on Monday; week 1 holds the year's first
 *   Thursday, so the days around New Year may belong to the other year's week).
 */
const DAY_MS = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function monthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}`;
}

/** Midnight UTC of the Monday of the ISO week holding `at`. */
function mondayOf(at: Date): number {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  return midnight - weekday * DAY_MS;
}

export function isoWeekOf(at: Date): string {
  const monday = mondayOf(at);
  const year = new Date(monday + 3 * DAY_MS).getUTCFullYear(); // the week's Thursday decides the year
  const week1Monday = mondayOf(new Date(Date.UTC(year, 0, 4))); // 4 January is always in week 1
  const week = 1 + Math.round((monday - week1Monday) / (7 * DAY_MS));
  return `${year}-W${pad(week)}`;
}

export type TimeUnit = 'month' | 'week';

export function bucketOf(unit: TimeUnit, at: Date): string {
  return unit === 'month' ? monthOf(at) : isoWeekOf(at);
}

export interface TimeBucket {
  label: string;
  /** First instant of the bucket, inclusive. */
  start: Date;
  /** First instant after the bucket, exclusive. */
  end: Date;
}

/** The buckets that overlap [from, to), in order (whole buckets: the first may start before from). */
export function bucketsBetween(unit: TimeUnit, from: Date, to: Date): TimeBucket[] {
  const buckets: TimeBucket[] = [];
  let start = unit === 'month' ? Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1) : mondayOf(from);
  while (start < to.getTime()) {
    const s = new Date(start);
    const end = unit === 'month' ? Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1) : start + 7 * DAY_MS;
    buckets.push({ label: bucketOf(unit, s), start: s, end: new Date(end) });
    start = end;
  }
  return buckets;
}
