// Notify's API keys, authentication (a JWT signed with the key's secret) and per-key rate limit.
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { API_KEYS, CLOCK_SKEW_S, RATE_LIMIT, RATE_WINDOW_MS, UUID } from './config.mjs';
import { fail } from './http.mjs';

/** service id -> { serviceId, keyName, secret, keyType } */
const keys = new Map();
for (const key of API_KEYS.split(',')
  .map((k) => k.trim())
  .filter(Boolean)) {
  if (key.length < 74)
    throw new Error(`SP_NOTIFY_FAKE_API_KEYS: '${key.slice(0, 12)}...' is not a Notify API key`);
  const secret = key.slice(-36);
  const serviceId = key.slice(-73, -37);
  if (!UUID.test(secret) || !UUID.test(serviceId))
    throw new Error('SP_NOTIFY_FAKE_API_KEYS: service id and secret must be UUIDs');
  const list = keys.get(serviceId) ?? [];
  list.push({ serviceId, keyName: key.slice(0, -74), secret });
  keys.set(serviceId, list);
}

/** secret -> timestamps (ms) of requests in the current window */
const windows = new Map();

const b64url = (s) => Buffer.from(s, 'base64url');

/** Notify's authentication: a JWT signed with the key's secret, iss = service id, fresh iat. */
export function authenticate(req) {
  const header = req.headers.authorization;
  if (!header) throw fail(401, 'AuthError', 'Unauthorized: authentication token must be provided');
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw fail(401, 'AuthError', 'Unauthorized: authentication bearer scheme must be used');
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw fail(403, 'AuthError', 'Invalid token: signature, api token is not valid');
  let head;
  let claims;
  try {
    head = JSON.parse(b64url(parts[0]).toString('utf8'));
    claims = JSON.parse(b64url(parts[1]).toString('utf8'));
  } catch {
    throw fail(403, 'AuthError', 'Invalid token: signature, api token is not valid');
  }
  if (head.alg !== 'HS256') throw fail(403, 'AuthError', 'Invalid token: algorithm used is not HS256');
  if (!claims.iss) throw fail(403, 'AuthError', 'Invalid token: iss field not provided');
  const candidates = keys.get(String(claims.iss));
  if (!candidates) throw fail(403, 'AuthError', 'Invalid token: service not found');
  const signed = b64url(parts[2]);
  const key = candidates.find((k) => {
    const expected = createHmac('sha256', k.secret).update(`${parts[0]}.${parts[1]}`).digest();
    return expected.length === signed.length && timingSafeEqual(expected, signed);
  });
  if (!key) throw fail(403, 'AuthError', 'Invalid token: API key not found');
  if (typeof claims.iat !== 'number') throw fail(403, 'AuthError', 'Invalid token: iat field not provided');
  if (Math.abs(Date.now() / 1000 - claims.iat) > CLOCK_SKEW_S) {
    throw fail(403, 'AuthError', 'Error: Your system clock must be accurate to within 30 seconds');
  }
  return key;
}

export function rateLimit(key) {
  const now = Date.now();
  const recent = (windows.get(key.secret) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
  if (recent.length >= RATE_LIMIT) {
    windows.set(key.secret, recent);
    throw fail(
      429,
      'RateLimitError',
      `Exceeded rate limit for key type live of ${RATE_LIMIT} requests per 60 seconds`,
    );
  }
  recent.push(now);
  windows.set(key.secret, recent);
}
