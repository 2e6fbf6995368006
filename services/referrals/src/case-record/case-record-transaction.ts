import type { ClientSession } from 'mongodb';
import type { ReferralRepository } from '../referrals/referral.repository';
import { CaseRecordErrors } from './case-record.errors';

/**
 * Every case-record write runs here: one transaction that first holds the referral against
 * consent withdrawal (ReferralRepository.holdForCaseRecordWrite), then writes through `session`.
 * A withdrawal racing the write either sees the entry and redacts it, or commits first and the
 * write is refused with 409 CASE_RECORD.READ_ONLY. `fn` may run more than once (transaction
 * retries): it must only write through `session`.
 */
export class CaseRecordTransaction {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'holdForCaseRecordWrite'>,
  ) {}

  run<T>(referralId: string, fn: (session: ClientSession) => Promise<T>): Promise<T> {
    return this.referrals.inTransaction(async (session) => {
      if (!(await this.referrals.holdForCaseRecordWrite(referralId, session)))
        throw CaseRecordErrors.readOnly(referralId);
      return fn(session);
    });
  }
}
