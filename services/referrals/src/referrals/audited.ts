import { isDomainError } from '@sp/errors';
import type { AuditLogRepository } from '../audit/audit-log.repository';
import type { ActorRef } from './referral.entity';

/**
 * Runs an operation on a referral and records it in the audit log: allowed when it succeeds,
 * denied when the caller was told the referral does not exist (404), refused for any other domain
 * error. The audit of a success is written before the operation answers.
 */
export async function audited<T>(
  audit: Pick<AuditLogRepository, 'record'>,
  actor: ActorRef,
  action: string,
  referralId: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    const value = await fn();
    await audit.record({ actor, action, referralId, outcome: 'allowed' });
    return value;
  } catch (error) {
    if (isDomainError(error)) {
      await audit
        .record({
          actor,
          action,
          referralId,
          outcome: error.status === 404 ? 'denied' : 'refused',
          code: error.code,
        })
        .catch(() => undefined);
    }
    throw error;
  }
}
