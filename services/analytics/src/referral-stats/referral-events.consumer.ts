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
  type ReferralCompletedV1Data,
  type ReferralConsentWithdrawnV1Data,
  type ReferralSubmittedV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { ReferralCounterRepository } from './referral-counter.repository';

/** The fields analytics reads from any status-change event. */
interface StatusChange {
  requesterOrganisationId: string;
  targetServiceId?: string;
  toStatus: string;
  reasonCode?: string;
  occurredAt: string;
}

/** Keeps the referral counters up to date from the referral lifecycle topic. */
@Controller()
export class ReferralEventsConsumer {
  constructor(private readonly counters: ReferralCounterRepository) {}

  @EventPattern(ReferralSubmittedV1.type)
  async onSubmitted(@Payload() data: ReferralSubmittedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.counters.countSubmitted(
      {
        eventId: ctx.envelope.id,
        requesterOrganisationId: data.requesterOrganisationId,
        ...(data.targetServiceId ? { targetServiceId: data.targetServiceId } : {}),
        priority: data.priority,
        occurredAt: data.occurredAt,
      },
      ctx,
    );
  }

  @EventPattern(ReferralAcceptedV1.type)
  onAccepted(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralRejectedV1.type)
  onRejected(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralExpiredV1.type)
  onExpired(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralStartedV1.type)
  onStarted(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralPutOnHoldV1.type)
  onHold(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralResumedV1.type)
  onResumed(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralCompletedV1.type)
  async onCompleted(@Payload() data: ReferralCompletedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.counters.countLifecycle(
      {
        eventId: ctx.envelope.id,
        requesterOrganisationId: data.requesterOrganisationId,
        ...(data.targetServiceId ? { targetServiceId: data.targetServiceId } : {}),
        toStatus: data.toStatus,
        ...(data.wellbeing ? { wellbeing: data.wellbeing } : {}),
        occurredAt: data.occurredAt,
      },
      ctx,
    );
  }

  @EventPattern(ReferralFailedV1.type)
  onFailed(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralCancelledV1.type)
  onCancelled(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  @EventPattern(ReferralEnteredInErrorV1.type)
  onEnteredInError(@Payload() data: StatusChange, @Ctx() ctx: EventContext): Promise<void> {
    return this.count(data, ctx);
  }

  /** Analytics holds counts only (no patient key, no per-referral record), so there is nothing to redact. */
  @EventPattern(ReferralConsentWithdrawnV1.type)
  async onConsentWithdrawn(
    @Payload() data: ReferralConsentWithdrawnV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.counters.countLifecycle(
      {
        eventId: ctx.envelope.id,
        requesterOrganisationId: data.requesterOrganisationId,
        consentWithdrawn: true,
        occurredAt: data.occurredAt,
      },
      ctx,
    );
  }

  private async count(data: StatusChange, ctx: EventContext): Promise<void> {
    await this.counters.countLifecycle(
      {
        eventId: ctx.envelope.id,
        requesterOrganisationId: data.requesterOrganisationId,
        ...(data.targetServiceId ? { targetServiceId: data.targetServiceId } : {}),
        toStatus: data.toStatus,
        ...(data.reasonCode ? { reasonCode: data.reasonCode } : {}),
        occurredAt: data.occurredAt,
      },
      ctx,
    );
  }
}
