import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

interface RegisteredReferral {
  _id: string; // referral id
  requesterOrganisationId?: string;
  /** The referral this one was made onwards from. */
  parentReferralId?: string;
}

/** How many onward steps are followed up to the first referral (a chain is rarely more than two). */
const MAX_CHAIN = 10;

/**
 * Who made each referral and which referral it was made onwards from (ids only), from the
 * lifecycle events: so the organisation that made the first referral hears how the onward ones
 * ended.
 */
@Injectable()
export class ReferralRegisterRepository {
  private readonly referrals: Collection<RegisteredReferral>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.referrals = collectionOf<RegisteredReferral>(connection, 'referral_register');
  }

  /** Idempotent (a redelivered event sets the same values). */
  async recordRequester(referralId: string, requesterOrganisationId: string): Promise<void> {
    await this.referrals.updateOne(
      { _id: referralId },
      { $set: { requesterOrganisationId } },
      { upsert: true },
    );
  }

  async recordParent(referralId: string, parentReferralId: string): Promise<void> {
    await this.referrals.updateOne({ _id: referralId }, { $set: { parentReferralId } }, { upsert: true });
  }

  /**
   * The first referral of the chain `referralId` belongs to, and the organisation that made it;
   * undefined while some link is not known yet (its events may still be on their way).
   */
  async rootOf(
    referralId: string,
  ): Promise<{ referralId: string; requesterOrganisationId: string } | undefined> {
    let current = await this.referrals.findOne({ _id: referralId });
    for (let step = 0; current && step < MAX_CHAIN; step++) {
      if (!current.parentReferralId) {
        return current.requesterOrganisationId
          ? { referralId: current._id, requesterOrganisationId: current.requesterOrganisationId }
          : undefined;
      }
      current = await this.referrals.findOne({ _id: current.parentReferralId });
    }
    return undefined;
  }
}
