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
  type ReferralAcceptedV1Data,
  type ReferralCancelledV1Data,
  type ReferralCompletedV1Data,
  type ReferralConsentWithdrawnV1Data,
  type ReferralEnteredInErrorV1Data,
  type ReferralExpiredV1Data,
  type ReferralFailedV1Data,
  type ReferralPutOnHoldV1Data,
  type ReferralRejectedV1Data,
  type ReferralResumedV1Data,
  type ReferralStartedV1Data,
  type ReferralSubmittedV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import type { StatusChange } from './domain/referral-record';
import { ServiceSignalsUpdater } from './service-signals.updater';
import { recordIdOf } from '../hsds/domain/record-ids';

type ChangeData =
  | ReferralAcceptedV1Data
  | ReferralRejectedV1Data
  | ReferralStartedV1Data
  | ReferralPutOnHoldV1Data
  | ReferralResumedV1Data
  | ReferralCompletedV1Data
  | ReferralFailedV1Data
  | ReferralCancelledV1Data
  | ReferralEnteredInErrorV1Data
  | ReferralExpiredV1Data;

/**
 * Directory ids of a referral event in UUIDs: a referral made before directory ids were UUIDs
 * names its service and organisations by slug (their UUIDs derive from the slugs).
 */
function directoryIds(d: {
  targetServiceId?: string;
  ownerOrganisationId?: string;
  requesterOrganisationId: string;
}) {
  return {
    ...(d.targetServiceId ? { targetServiceId: recordIdOf('services', d.targetServiceId) } : {}),
    ...(d.ownerOrganisationId
      ? { ownerOrganisationId: recordIdOf('organizations', d.ownerOrganisationId) }
      : {}),
    requesterOrganisationId: recordIdOf('organizations', d.requesterOrganisationId),
  };
}

function change(data: ChangeData, expired = false): StatusChange {
  return {
    referralId: data.referralId,
    version: data.version,
    ...directoryIds(data),
    fromStatus: data.fromStatus,
    toStatus: data.toStatus,
    submittedAt: data.submittedAt,
    occurredAt: data.occurredAt,
    ...(expired ? { expired: true } : {}),
  };
}

/**
 * Referral lifecycle events -> per-referral records -> each service's trust signals and live
 * caseload. Idempotent: records are written once per event id and every figure is recomputed from
 * the records, so redelivery and replay are harmless.
 */
@Controller()
export class ReferralEventsConsumer {
  constructor(private readonly updater: ServiceSignalsUpdater) {}

  // Version 2 adds population codes and the deadline; this consumer reads only version 1's fields.
  @EventPattern([ReferralSubmittedV1.type, ReferralSubmittedV2.type])
  async onSubmitted(@Payload() d: ReferralSubmittedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onSubmitted(ctx.envelope.id, {
      referralId: d.referralId,
      ...directoryIds(d),
      occurredAt: d.occurredAt,
    });
  }

  @EventPattern(ReferralAcceptedV1.type)
  async onAccepted(@Payload() d: ReferralAcceptedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralRejectedV1.type)
  async onRejected(@Payload() d: ReferralRejectedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralExpiredV1.type)
  async onExpired(@Payload() d: ReferralExpiredV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d, true));
  }

  @EventPattern(ReferralStartedV1.type)
  async onStarted(@Payload() d: ReferralStartedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralPutOnHoldV1.type)
  async onPutOnHold(@Payload() d: ReferralPutOnHoldV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralResumedV1.type)
  async onResumed(@Payload() d: ReferralResumedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralCompletedV1.type)
  async onCompleted(@Payload() d: ReferralCompletedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralFailedV1.type)
  async onFailed(@Payload() d: ReferralFailedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralCancelledV1.type)
  async onCancelled(@Payload() d: ReferralCancelledV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralEnteredInErrorV1.type)
  async onEnteredInError(
    @Payload() d: ReferralEnteredInErrorV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.updater.onStatusChange(ctx.envelope.id, change(d));
  }

  @EventPattern(ReferralConsentWithdrawnV1.type)
  async onConsentWithdrawn(
    @Payload() d: ReferralConsentWithdrawnV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.updater.onConsentWithdrawn(ctx.envelope.id, d.referralId);
  }
}
