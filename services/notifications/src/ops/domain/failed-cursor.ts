/** Position in a queue's failed jobs, newest failure first: the failure time (ms) and job id. */
export interface FailedCursor {
  failedAt: number;
  id: string;
}

export function encodeFailedCursor(cursor: FailedCursor): string {
  return Buffer.from(JSON.stringify([cursor.failedAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeFailedCursor(text: string): FailedCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length > 0
    ) {
      return { failedAt: value[0] as number, id: value[1] };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Whether an entry of the failed set (scored by failure time, read highest first, ties in
 * descending id order as Redis returns them) comes after the cursor.
 */
export function isAfter(entry: FailedCursor, cursor: FailedCursor): boolean {
  return entry.failedAt < cursor.failedAt || (entry.failedAt === cursor.failedAt && entry.id < cursor.id);
}
