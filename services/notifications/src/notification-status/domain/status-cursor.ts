/** Position in a newest-first list: the creation time and id of the last item seen. */
export interface StatusCursor {
  createdAt: Date;
  id: string;
}

/** Opaque to callers: base64url of the position. */
export function encodeCursor(cursor: StatusCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id]), 'utf8').toString('base64url');
}

/** The position, or undefined when the text is not a cursor this service made. */
export function decodeCursor(text: string): StatusCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length > 0
    ) {
      return { createdAt: new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // not JSON: not ours
  }
  return undefined;
}
