import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * `${prefix}-${time36}-${rand}`: unique across parallel test workers and reruns, and made only of
 * characters valid in Kafka topic names, consumer groups, MongoDB database names and Redis keys.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'x';
  counter = (counter + 1) % 1296;
  const rand = `${counter.toString(36).padStart(2, '0')}${randomBytes(3).toString('hex')}`;
  return `${safe}-${Date.now().toString(36)}-${rand}`;
}

/**
 * A unique MongoDB database name that contains 'test' (asserted), so a test can never be pointed
 * at a real database by accident. Lower-case letters, digits and underscores only, at most 63
 * characters (MongoDB allows 63 bytes and forbids `/\. "$*<>:|?` in database names).
 */
export function testDatabaseName(prefix: string): string {
  const safe = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const base = safe.includes('test') ? safe : `${safe}_test`;
  const name = uniqueName(base).replace(/-/g, '_');
  if (!name.includes('test') || name.length > 63) {
    throw new Error(`Refusing test database name "${name}": it must contain "test" and fit 63 characters`);
  }
  return name;
}
