import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing: `whsec_` secrets (base64 of 32 random bytes), a `webhook-signature`
 * header of space-separated `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per
 * active secret (the current one first; during a rotation's overlap the previous one too, so a
 * receiver that still has the old secret keeps verifying).
 */
export const SECRET_PREFIX = 'whsec_';

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** A signing secret of an endpoint; `expiresAt` is set on a previous secret kept for an overlap. */
export interface SigningSecret {
  secret: string;
  createdAt: Date;
  expiresAt?: Date;
}

/** Secrets that sign now: unexpired ones, the current (no expiry) first. */
export function activeSecrets<T extends { createdAt: Date; expiresAt?: Date }>(
  secrets: readonly T[],
  now: Date,
): T[] {
  return secrets
    .filter((s) => s.expiresAt === undefined || s.expiresAt.getTime() > now.getTime())
    .sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime());
}

function rank(s: { expiresAt?: Date }): number {
  return s.expiresAt === undefined ? 0 : 1;
}

export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

/**
 * Rotation: the new secret becomes current; the secrets still active keep signing until the end of
 * the overlap (never longer than they already would); overlap 0 drops them at once.
 */
export function rotate<T extends { createdAt: Date; expiresAt?: Date }>(
  secrets: readonly T[],
  fresh: T,
  overlapSeconds: number,
  now: Date,
): T[] {
  const until = new Date(now.getTime() + overlapSeconds * 1000);
  const kept =
    overlapSeconds <= 0
      ? []
      : activeSecrets(secrets, now).map((s) => ({
          ...s,
          expiresAt: s.expiresAt && s.expiresAt.getTime() < until.getTime() ? s.expiresAt : until,
        }));
  return [{ ...fresh, expiresAt: undefined }, ...kept].map(stripUndefinedExpiry);
}

function stripUndefinedExpiry<T extends { expiresAt?: Date }>(s: T): T {
  if (s.expiresAt !== undefined) return s;
  const { expiresAt: _dropped, ...rest } = s;
  return rest as T;
}

/** The `webhook-signature` header: one `v1,...` per secret, space separated. */
export function signatureHeader(
  messageId: string,
  timestamp: Date,
  body: string,
  secrets: readonly string[],
): string {
  return secrets.map((s) => new Webhook(s).sign(messageId, timestamp, body)).join(' ');
}

/** The three Standard Webhooks headers of one attempt. */
export function signedHeaders(
  messageId: string,
  timestamp: Date,
  body: string,
  secrets: readonly string[],
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatureHeader(messageId, timestamp, body, secrets),
  };
}
