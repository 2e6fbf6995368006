import { randomBytes, randomUUID } from 'node:crypto';

/** A new correlation id (UUID v4). */
export function newCorrelationId(): string {
  return randomUUID();
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface ParsedTraceparent {
  version: string;
  traceId: string;
  parentId: string;
  flags: string;
}

/** Parses a W3C traceparent header; undefined when it is malformed or uses the all-zero ids the spec forbids. */
export function parseTraceparent(value: string | undefined | null): ParsedTraceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { version, traceId, parentId, flags };
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * A W3C traceparent for a new span: `00-<trace id>-<span id>-01`. The trace id of a valid parent is
 * kept so the whole chain (HTTP request -> event -> consumer -> job) shares one trace; anything
 * else starts a new trace.
 */
export function newTraceparent(parent?: string): string {
  const traceId = parseTraceparent(parent)?.traceId ?? nonZeroHex(16);
  return `00-${traceId}-${nonZeroHex(8)}-01`;
}
