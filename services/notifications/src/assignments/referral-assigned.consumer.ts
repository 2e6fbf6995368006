import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferralAssignedV1, type ReferralAssignedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { DeliveryQueue } from '../delivery/delivery.queue';
import { handoverNotices } from './domain/handover-notices';

/**
 * referral.assigned -> an inbox notice for the worker now holding the referral and, on a
 * handover, for the worker who held it (ids and codes only: referral id, action, reason code).
 * One delivery job per event and person (job id from both) and one inbox entry per event and
 * person (its id), so a redelivered event, on this or another instance, adds nothing.
 */
@Controller()
export class ReferralAssignedConsumer {
  constructor(private readonly deliveries: DeliveryQueue) {}

  @EventPattern(ReferralAssignedV1.type)
  async onAssigned(@Payload() d: ReferralAssignedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    const notices = handoverNotices(d);
    if (notices.length === 0) return;
    await this.deliveries.enqueue(
      notices.map((n) => ({
        kind: n.kind,
        eventId: ctx.envelope.id,
        referralId: d.referralId,
        recipient: { organisationId: d.ownerOrganisationId, personSub: n.personSub },
        occurredAt: d.occurredAt,
        detail: { action: d.action, ...(d.reasonCode ? { reasonCode: d.reasonCode } : {}) },
        trace: {
          correlationId: ctx.envelope.correlationid,
          causationId: ctx.envelope.id,
          ...(ctx.envelope.traceparent ? { traceparent: ctx.envelope.traceparent } : {}),
        },
      })),
    );
  }
}
