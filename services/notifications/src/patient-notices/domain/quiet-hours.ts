/** A daily window, local wall-clock times 'HH:mm' (start inclusive, end exclusive); may span midnight. */
export interface QuietWindow {
  start: string;
  end: string;
}

export const PATIENT_TIME_ZONE = 'Europe/London';

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The wall-clock date and time of an instant in a time zone. */
function localParts(at: Date, timeZone: string): { y: number; mo: number; d: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    y: Number(parts.year),
    mo: Number(parts.month),
    d: Number(parts.day),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const wall = Date.UTC(p.y, p.mo - 1, p.d, Math.floor(p.minute / 60), p.minute % 60);
  return wall - Math.floor(at.getTime() / 60_000) * 60_000;
}

/** The instant a wall-clock time of a local date happens (the offset of that moment, so DST holds). */
function instantOf(y: number, mo: number, d: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(y, mo - 1, d, Math.floor(minute / 60), minute % 60);
  let at = new Date(wall - offsetAt(new Date(wall), timeZone));
  const corrected = new Date(wall - offsetAt(at, timeZone));
  if (corrected.getTime() !== at.getTime()) at = corrected;
  return at;
}

/**
 * When a text message sent at `now` would fall in the quiet hours, the instant they end (the
 * message waits until then); undefined when it may go now or there are no quiet hours. Times are
 * Europe/London wall-clock times, so the window follows the clocks through BST and GMT.
 */
export function quietHoursEnd(
  now: Date,
  quiet: QuietWindow | null,
  timeZone = PATIENT_TIME_ZONE,
): Date | undefined {
  if (!quiet) return undefined;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return undefined;
  const local = localParts(now, timeZone);
  const t = local.minute;
  const overnight = start > end;
  const inside = overnight ? t >= start || t < end : t >= start && t < end;
  if (!inside) return undefined;
  // Ends today, or tomorrow when the window began this evening and runs past midnight.
  const endsTomorrow = overnight && t >= start;
  const day = new Date(Date.UTC(local.y, local.mo - 1, local.d + (endsTomorrow ? 1 : 0)));
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), end, timeZone);
}
