// SCRAM salted passwords (RFC 5802 section 3: SaltedPassword := Hi(password, salt, i), where Hi is
// PBKDF2 with HMAC as the PRF and the hash's output length). Kafka stores exactly this (with the
// salt and iteration count) for a SCRAM user created through AlterUserScramCredentials (KIP-554);
// it never sees the password. Kafka refuses fewer than 4096 iterations.
import { createHmac, createHash, pbkdf2Sync, randomBytes } from 'node:crypto';

export type ScramHash = 'sha256' | 'sha512';

export const SCRAM_MIN_ITERATIONS = 4096;

const KEY_LENGTH: Record<ScramHash, number> = { sha256: 32, sha512: 64 };

export function saltedPassword(password: string, salt: Buffer, iterations: number, hash: ScramHash): Buffer {
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) {
    throw new RangeError(`SCRAM needs at least ${SCRAM_MIN_ITERATIONS} iterations, got ${iterations}`);
  }
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, KEY_LENGTH[hash], hash);
}

/** A fresh random salt (Kafka's own tooling uses random salts of this order). */
export function newSalt(): Buffer {
  return randomBytes(32);
}

/**
 * The client proof a SCRAM client sends (RFC 5802 section 3): ClientKey XOR
 * HMAC(H(ClientKey), AuthMessage), ClientKey = HMAC(SaltedPassword, "Client Key"). Used by the
 * tests to check saltedPassword against RFC 7677's published exchange.
 */
export function clientProof(salted: Buffer, authMessage: string, hash: ScramHash): Buffer {
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  return Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
}

/** A password for a machine user: 32 random bytes, URL-safe base64 (no SASLprep surprises). */
export function newMachinePassword(): string {
  return randomBytes(32).toString('base64url');
}
