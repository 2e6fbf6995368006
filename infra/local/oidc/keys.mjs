// Signing and cookie keys of the local OpenID Connect provider: generated at first start into the
// platform's state directory and reused afterwards, so tokens and sessions survive a restart and
// services that cached the JWKS keep verifying.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';

async function signingJwk() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

/** `{ jwks: { keys: [private RS256 JWK] }, cookieKeys: [string] }` from `<stateDir>/keys.json`. */
export async function loadOrCreateKeys(stateDir) {
  const file = join(stateDir, 'keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(stored.jwks?.keys) && stored.jwks.keys.length > 0 && Array.isArray(stored.cookieKeys)) {
      return { ...stored, created: false };
    }
  }
  mkdirSync(stateDir, { recursive: true });
  const keys = { jwks: { keys: [await signingJwk()] }, cookieKeys: [randomBytes(32).toString('base64url')] };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file); // atomic: a half-written key file never looks complete
  return { ...keys, created: true };
}
