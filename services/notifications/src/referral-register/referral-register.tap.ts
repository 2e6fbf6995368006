import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ReferralEventTaps, type TappedReferralEvent } from '../dispatch/referral-event-taps';
import { ReferralRegisterRepository } from './referral-register.repository';

/** Keeps the referral register from the lifecycle events (submissions and onward referrals). */
@Injectable()
export class ReferralRegisterTap implements OnModuleInit {
  constructor(
    private readonly taps: ReferralEventTaps,
    private readonly register: ReferralRegisterRepository,
  ) {}

  onModuleInit(): void {
    this.taps.register((event) => this.apply(event));
  }

  async apply(event: TappedReferralEvent): Promise<void> {
    const { data } = event;
    if (event.kind === 'referral.submitted' && typeof data['requesterOrganisationId'] === 'string') {
      await this.register.recordRequester(String(data['referralId']), data['requesterOrganisationId']);
    } else if (event.kind === 'referral.onward-created' && typeof data['childReferralId'] === 'string') {
      await this.register.recordParent(data['childReferralId'], String(data['referralId']));
    }
    // Status changes name their parent too: the link is known even if onward-created comes later.
    if (typeof data['parentReferralId'] === 'string') {
      await this.register.recordParent(String(data['referralId']), data['parentReferralId']);
    }
  }
}
