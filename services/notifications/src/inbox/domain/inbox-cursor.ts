/** Position in the newest-first inbox: the delivery time and id of the last notice seen. */
export interface InboxCursor {
  deliveredAt: Date;
  id: string;
}

/** Opaque to callers: base64url of the position. */
export function encodeInboxCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.deliveredAt.getTime(), cursor.id]), 'utf8').toString('base64url');
}

/** The position, or undefined when the text is not a cursor this service made. */
export function decodeInboxCursor(text: string): InboxCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      (value[0] as number) >= 0 &&
      typeof value[1] === 'string' &&
      value[1].length > 0
    ) {
      return { deliveredAt: new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // not JSON: not ours
  }
  return undefined;
}
