import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ReferralAcceptedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralPutOnHoldV1,
  ReferralRejectedV1,
  ReferralReminderDueV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  type ReferralConsentWithdrawnV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { InboxRepository } from '../inbox/inbox.repository';
import { DeliveryQueue } from './delivery.queue';
import { recipientsFor, type RoutableEvent } from './notification-routing';

type ReferralEvent = RoutableEvent & { referralId: string; occurredAt: string };

/**
 * Turns referral events into delivery jobs, one per recipient (see notification-routing.ts); the
 * job id is derived from the event id and recipient, so a redelivered event adds nothing.
 */
@Controller()
export class ReferralEventsConsumer {
  constructor(
    private readonly deliveries: DeliveryQueue,
    private readonly inbox: InboxRepository,
  ) {}

  @EventPattern(ReferralSubmittedV1.type)
  onSubmitted(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralSubmittedV1.name, data, ctx);
  }

  @EventPattern(ReferralReminderDueV1.type)
  onReminderDue(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralReminderDueV1.name, data, ctx);
  }

  @EventPattern(ReferralAcceptedV1.type)
  onAccepted(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralAcceptedV1.name, data, ctx);
  }

  @EventPattern(ReferralRejectedV1.type)
  onRejected(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralRejectedV1.name, data, ctx);
  }

  @EventPattern(ReferralExpiredV1.type)
  onExpired(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralExpiredV1.name, data, ctx);
  }

  @EventPattern(ReferralStartedV1.type)
  onStarted(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralStartedV1.name, data, ctx);
  }

  @EventPattern(ReferralPutOnHoldV1.type)
  onPutOnHold(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralPutOnHoldV1.name, data, ctx);
  }

  @EventPattern(ReferralResumedV1.type)
  onResumed(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralResumedV1.name, data, ctx);
  }

  @EventPattern(ReferralCompletedV1.type)
  onCompleted(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralCompletedV1.name, data, ctx);
  }

  @EventPattern(ReferralFailedV1.type)
  onFailed(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralFailedV1.name, data, ctx);
  }

  @EventPattern(ReferralCancelledV1.type)
  onCancelled(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralCancelledV1.name, data, ctx);
  }

  @EventPattern(ReferralEnteredInErrorV1.type)
  onEnteredInError(@Payload() data: ReferralEvent, @Ctx() ctx: EventContext): Promise<void> {
    return this.notify(ReferralEnteredInErrorV1.name, data, ctx);
  }

  /**
   * Redaction: the inbox keeps only the notices that tell the parties to stop (the cancellation
   * that consent withdrawal causes); every other notification about the referral is deleted.
   */
  @EventPattern(ReferralConsentWithdrawnV1.type)
  async onConsentWithdrawn(@Payload() data: ReferralConsentWithdrawnV1Data): Promise<void> {
    await this.inbox.redactReferral(data.referralId, [ReferralCancelledV1.name]);
  }

  private async notify(kind: string, data: ReferralEvent, ctx: EventContext): Promise<void> {
    await this.deliveries.enqueue(
      recipientsFor(kind, data).map((recipient) => ({
        kind,
        eventId: ctx.envelope.id,
        referralId: data.referralId,
        recipient,
        occurredAt: data.occurredAt,
        trace: {
          correlationId: ctx.envelope.correlationid,
          causationId: ctx.envelope.id,
          ...(ctx.envelope.traceparent ? { traceparent: ctx.envelope.traceparent } : {}),
        },
      })),
    );
  }
}
