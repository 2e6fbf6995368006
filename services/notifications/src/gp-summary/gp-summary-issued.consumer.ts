import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferralGpSummaryIssuedV1, type ReferralGpSummaryIssuedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { DeliveryQueue } from '../delivery/delivery.queue';
import { gpSummaryDelivery } from './gp-summary-delivery';

/**
 * The message back to the GP: when the referrals service has issued the coded summary of a closed
 * referral, the referring practice is told through its inbox (the usual delivery job, id-only:
 * the practice reads the summary as a FHIR Communication at the referrals FHIR base,
 * `Communication?based-on=ServiceRequest/<referralId>`). The job id comes from the event id, so a
 * redelivered event adds nothing.
 */
@Controller()
export class GpSummaryIssuedConsumer {
  constructor(private readonly deliveries: DeliveryQueue) {}

  @EventPattern(ReferralGpSummaryIssuedV1.type)
  async onIssued(@Payload() data: ReferralGpSummaryIssuedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.deliveries.enqueue([gpSummaryDelivery(data, ctx.envelope)]);
  }
}
