import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferralSubmittedV1, type ReferralSubmittedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { DeliveryQueue } from './delivery.queue';

/** Turns referral events into delivery jobs; the job id is the event id, so redelivery adds nothing. */
@Controller()
export class ReferralEventsConsumer {
  constructor(private readonly deliveries: DeliveryQueue) {}

  @EventPattern(ReferralSubmittedV1.type)
  async onSubmitted(@Payload() data: ReferralSubmittedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    if (!data.targetServiceId) return; // open referrals are announced to eligible providers elsewhere
    await this.deliveries.enqueue({
      kind: 'referral.submitted',
      eventId: ctx.envelope.id,
      referralId: data.referralId,
      targetServiceId: data.targetServiceId,
      occurredAt: data.occurredAt,
      trace: {
        correlationId: ctx.envelope.correlationid,
        causationId: ctx.envelope.id,
        ...(ctx.envelope.traceparent ? { traceparent: ctx.envelope.traceparent } : {}),
      },
    });
  }
}
