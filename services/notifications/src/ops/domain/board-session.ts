import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who opened a BullMQ dashboard session, and until when it holds (epoch seconds). */
export interface BoardSession {
  clientId: string;
  organisationId: string;
  personSub?: string;
  expiresAt: number;
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** `<payload>.<hmac>`, both base64url: what the session cookie (and the session link) carry. */
export function signBoardSession(session: BoardSession, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The session when the text is one we signed and it has not expired; else undefined. */
export function verifyBoardSession(text: string, key: Buffer, nowSeconds: number): BoardSession | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0) return undefined;
  const payload = text.slice(0, dot);
  const given = Buffer.from(text.slice(dot + 1), 'utf8');
  const expected = Buffer.from(mac(key, payload), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<BoardSession>;
    if (
      typeof value.clientId !== 'string' ||
      typeof value.organisationId !== 'string' ||
      typeof value.expiresAt !== 'number' ||
      value.expiresAt <= nowSeconds
    ) {
      return undefined;
    }
    return value as BoardSession;
  } catch {
    return undefined;
  }
}

/** The value of one cookie in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
