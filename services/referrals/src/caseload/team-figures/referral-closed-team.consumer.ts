import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralRejectedV1,
  type ReferralConsentWithdrawnV1Data,
} from '@sp/contracts';
import { RefreshTeamFiguresUseCase } from './refresh-team-figures.use-case';

interface Closing {
  referralId: string;
  ownerOrganisationId?: string;
}

/**
 * Kafka adapter: the referrals' own closing events (through the lifecycle topic the service
 * already consumes) recount the owning team's figures. Validated against the contracts on consume.
 */
@Controller()
export class ReferralClosedTeamConsumer {
  constructor(private readonly refresh: RefreshTeamFiguresUseCase) {}

  @EventPattern(ReferralCompletedV1.type)
  async onCompleted(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralRejectedV1.type)
  async onRejected(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralCancelledV1.type)
  async onCancelled(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralFailedV1.type)
  async onFailed(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralEnteredInErrorV1.type)
  async onEnteredInError(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralExpiredV1.type)
  async onExpired(@Payload() data: Closing): Promise<void> {
    await this.refresh.afterClosing(data.referralId, data.ownerOrganisationId);
  }

  @EventPattern(ReferralConsentWithdrawnV1.type)
  async onConsentWithdrawn(@Payload() data: ReferralConsentWithdrawnV1Data): Promise<void> {
    await this.refresh.afterClosing(data.referralId);
  }
}
