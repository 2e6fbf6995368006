import { createHmac } from 'node:crypto';
import { normaliseNhsNumber } from './nhs-number';

/**
 * The pseudonymous patient key carried by events instead of the NHS number: HMAC-SHA256 of the
 * normalised NHS number under a deployment secret. Stable for one patient (so analytics can count
 * people, not referrals) and not reversible without the secret.
 */
export function patientKeyFor(nhsNumber: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(normaliseNhsNumber(nhsNumber)).digest('hex');
}
