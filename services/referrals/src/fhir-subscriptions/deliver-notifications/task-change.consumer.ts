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
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  type ReferralConsentWithdrawnV1Data,
  type ReferralSubmittedV1Data,
  type TaskStatus,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { FanOutTaskChangeUseCase } from './fan-out-task-change.use-case';

/** What every status-change event carries that the topic reads. */
interface StatusChange {
  referralId: string;
  toStatus: TaskStatus;
  ownerOrganisationId?: string;
  occurredAt: string;
}

/**
 * The referrals service's own lifecycle events (its consumer group, at least once) -> the FHIR
 * subscription fan-out. The handlers only number events and enqueue jobs (idempotently), so they
 * are quick and safe to run again; the sending happens in the delivery worker.
 */
@Controller()
export class TaskChangeConsumer {
  constructor(private readonly fanOut: FanOutTaskChangeUseCase) {}

  // Version 2 adds population codes and the deadline; this consumer reads only version 1's fields.
  @EventPattern([ReferralSubmittedV1.type, ReferralSubmittedV2.type])
  async onSubmitted(@Payload() data: ReferralSubmittedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.fanOut.execute({
      eventId: ctx.envelope.id,
      kind: 'referral.submitted',
      referralId: data.referralId,
      occurredAt: data.occurredAt,
      toStatus: data.status,
      ...(data.ownerOrganisationId ? { ownerOrganisationId: data.ownerOrganisationId } : {}),
    });
  }

  @EventPattern(ReferralAcceptedV1.type)
  onAccepted(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.accepted', data, ctx);
  }

  @EventPattern(ReferralRejectedV1.type)
  onRejected(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.rejected', data, ctx);
  }

  @EventPattern(ReferralCancelledV1.type)
  onCancelled(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.cancelled', data, ctx);
  }

  @EventPattern(ReferralStartedV1.type)
  onStarted(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.started', data, ctx);
  }

  @EventPattern(ReferralPutOnHoldV1.type)
  onPutOnHold(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.put-on-hold', data, ctx);
  }

  @EventPattern(ReferralResumedV1.type)
  onResumed(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.resumed', data, ctx);
  }

  @EventPattern(ReferralCompletedV1.type)
  onCompleted(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.completed', data, ctx);
  }

  @EventPattern(ReferralFailedV1.type)
  onFailed(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.failed', data, ctx);
  }

  @EventPattern(ReferralExpiredV1.type)
  onExpired(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.expired', data, ctx);
  }

  @EventPattern(ReferralEnteredInErrorV1.type)
  onEnteredInError(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.changed('referral.entered-in-error', data, ctx);
  }

  @EventPattern(ReferralConsentWithdrawnV1.type)
  async onConsentWithdrawn(
    @Payload() data: ReferralConsentWithdrawnV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.fanOut.execute({
      eventId: ctx.envelope.id,
      kind: 'referral.consent-withdrawn',
      referralId: data.referralId,
      occurredAt: data.occurredAt,
    });
  }

  private async changed(kind: string, data: StatusChange, ctx: EventContext): Promise<void> {
    await this.fanOut.execute({
      eventId: ctx.envelope.id,
      kind,
      referralId: data.referralId,
      occurredAt: data.occurredAt,
      toStatus: data.toStatus,
      ...(data.ownerOrganisationId ? { ownerOrganisationId: data.ownerOrganisationId } : {}),
    });
  }
}
