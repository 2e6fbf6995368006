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
  ReferralOnwardCreatedV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  type ReferralConsentWithdrawnV1Data,
  type ReferralOnwardCreatedV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { ReferralEventTaps } from '../dispatch/referral-event-taps';
import { InboxRepository } from '../inbox/inbox.repository';
import { DeliveryQueue } from './delivery.queue';
import { ServiceReplicaRepository } from '../directory-replica/service-replica.repository';
import {
  ONWARD_OUTCOME_KIND,
  onwardOutcomeRecipient,
  recipientsFor,
  type RoutableEvent,
} from './notification-routing';
import type { DeliveryJobData, Recipient } from './delivery.job';

type ReferralEvent = RoutableEvent & {
  referralId: string;
  occurredAt: string;
  /** Task status after the event: `toStatus` on a status change, `status` on submission. */
  toStatus?: string;
  status?: string;
  reasonCode?: string;
  /** Submitted events: the coded needs (open referrals go to organisations that meet them). */
  needs?: string[];
};

/**
 * Turns referral events into delivery jobs, one per recipient (see notification-routing.ts); the
 * job id is derived from the event id and recipient, so a redelivered event adds nothing.
 */
@Controller()
export class ReferralEventsConsumer {
  constructor(
    private readonly deliveries: DeliveryQueue,
    private readonly inbox: InboxRepository,
    private readonly taps: ReferralEventTaps,
    private readonly replica: ServiceReplicaRepository,
  ) {}

  // Version 2 adds population codes and the deadline; this consumer reads only version 1's fields.
  @EventPattern([ReferralSubmittedV1.type, ReferralSubmittedV2.type])
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

  /** No notice of its own (the child's submission follows); the referral register links the two. */
  @EventPattern(ReferralOnwardCreatedV1.type)
  async onOnwardCreated(
    @Payload() data: ReferralOnwardCreatedV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.taps.publish({
      kind: ReferralOnwardCreatedV1.name,
      eventId: ctx.envelope.id,
      eventType: ctx.envelope.type,
      data: { ...data },
      trace: traceOf(ctx),
    });
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
  async onConsentWithdrawn(
    @Payload() data: ReferralConsentWithdrawnV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.inbox.redactReferral(data.referralId, [ReferralCancelledV1.name]);
    await this.taps.publish({
      kind: ReferralConsentWithdrawnV1.name,
      eventId: ctx.envelope.id,
      eventType: ctx.envelope.type,
      data: { ...data },
      trace: traceOf(ctx),
    });
  }

  private async notify(kind: string, data: ReferralEvent, ctx: EventContext): Promise<void> {
    const status = data.toStatus ?? data.status;
    const detail = {
      ...(status ? { status } : {}),
      ...(data.reasonCode ? { reasonCode: data.reasonCode } : {}),
    };
    const job = (
      jobKind: string,
      recipient: Recipient,
      extra: DeliveryJobData['detail'] = {},
    ): DeliveryJobData => {
      const jobDetail = { ...detail, ...extra };
      return {
        kind: jobKind,
        eventId: ctx.envelope.id,
        eventType: ctx.envelope.type,
        referralId: data.referralId,
        recipient,
        occurredAt: data.occurredAt,
        ...(Object.keys(jobDetail).length > 0 ? { detail: jobDetail } : {}),
        trace: traceOf(ctx),
      };
    };
    const recipients = recipientsFor(kind, data);
    // An open referral (no service, no owner) goes to the organisations that could claim it.
    if (kind === ReferralSubmittedV1.name && recipients.length === 0 && data.needs) {
      const claimants = await this.replica.organisationsMeeting(data.needs);
      recipients.push(
        ...claimants
          .filter((o) => o !== data.requesterOrganisationId)
          .map((organisationId) => ({ organisationId })),
      );
    }
    const jobs = recipients.map((recipient) => job(kind, recipient));
    const onward = onwardOutcomeRecipient(kind, data);
    if (onward) jobs.push(job(ONWARD_OUTCOME_KIND, onward, { action: kind }));
    await this.deliveries.enqueue(jobs);
    await this.taps.publish({
      kind,
      eventId: ctx.envelope.id,
      eventType: ctx.envelope.type,
      data: { ...data },
      trace: traceOf(ctx),
    });
  }
}

function traceOf(ctx: EventContext): { correlationId: string; causationId: string; traceparent?: string } {
  return {
    correlationId: ctx.envelope.correlationid,
    causationId: ctx.envelope.id,
    ...(ctx.envelope.traceparent ? { traceparent: ctx.envelope.traceparent } : {}),
  };
}
