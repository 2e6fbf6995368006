import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferralSubmittedV1, type ReferralSubmittedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { ReferralCounterRepository } from './referral-counter.repository';

/** Keeps the referral counters up to date from the referral lifecycle topic. */
@Controller()
export class ReferralEventsConsumer {
  constructor(private readonly counters: ReferralCounterRepository) {}

  @EventPattern(ReferralSubmittedV1.type)
  async onSubmitted(@Payload() data: ReferralSubmittedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.counters.countSubmitted({
      eventId: ctx.envelope.id,
      requesterOrganisationId: data.requesterOrganisationId,
      priority: data.priority,
      occurredAt: data.occurredAt,
    });
  }
}
