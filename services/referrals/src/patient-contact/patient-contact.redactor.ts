import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../case-record/redaction/case-record-redactor';
import type { ReferralDocument } from '../referrals/referral.entity';

/**
 * Consent withdrawal removes the patient's contact details (mobile, email) and postcode (address
 * data) from every referral of the tree, in the withdrawal's transaction: nobody may be told
 * anything after it. The population codes derived at intake (no address in them) stay.
 */
@Injectable()
export class PatientContactRedactor implements RedactablePart {
  private readonly referrals: Collection<ReferralDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<ReferralDocument>(connection, 'referrals');
  }

  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession): Promise<void> {
    await this.referrals.updateMany(
      {
        _id: { $in: referralIds },
        $or: [{ patientContact: { $exists: true } }, { 'patient.postcode': { $exists: true } }],
      },
      { $unset: { patientContact: '', 'patient.postcode': '' } },
      { session },
    );
  }
}
