import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../case-record/redaction/case-record-redactor';
import type { ReferralDocument } from '../referrals/referral.entity';

/**
 * Consent withdrawal removes the patient's contact details (mobile, email) from every referral of
 * the tree, in the withdrawal's transaction: nobody may be told anything after it.
 */
@Injectable()
export class PatientContactRedactor implements RedactablePart {
  private readonly referrals: Collection<ReferralDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<ReferralDocument>(connection, 'referrals');
  }

  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession): Promise<void> {
    await this.referrals.updateMany(
      { _id: { $in: referralIds }, patientContact: { $exists: true } },
      { $unset: { patientContact: '' } },
      { session },
    );
  }
}
