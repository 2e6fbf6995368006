import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  OrganisationRegisteredV1,
  OrganisationReinstatedV1,
  OrganisationSuspendedV1,
  OrganisationUnverifiedV1,
  OrganisationVerifiedV1,
  ServiceCapacityChangedV1,
  ServicePublishedV1,
  ServicePublishedV2,
  ServiceUpdatedV1,
  ServiceWithdrawnV1,
  type OrganisationRegisteredV1Data,
  type OrganisationReinstatedV1Data,
  type OrganisationSuspendedV1Data,
  type OrganisationUnverifiedV1Data,
  type OrganisationVerifiedV1Data,
  type ServiceCapacityChangedV1Data,
  type ServicePublishedV1Data,
  type ServicePublishedV2Data,
  type ServiceUpdatedV1Data,
  type ServiceWithdrawnV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { DirectoryReplicaRepository } from './directory-replica.repository';

/** Keeps the directory replica up to date from the organisations service's directory topic. */
@Controller()
export class DirectoryEventsConsumer {
  constructor(private readonly replica: DirectoryReplicaRepository) {}

  @EventPattern(ServicePublishedV1.type)
  async onPublishedV1(@Payload() data: ServicePublishedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyLegacyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServicePublishedV2.type)
  async onPublishedV2(@Payload() data: ServicePublishedV2Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServiceUpdatedV1.type)
  async onUpdated(@Payload() data: ServiceUpdatedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServiceWithdrawnV1.type)
  async onWithdrawn(@Payload() data: ServiceWithdrawnV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyWithdrawn(ctx.envelope.id, data);
  }

  @EventPattern(ServiceCapacityChangedV1.type)
  async onCapacity(@Payload() data: ServiceCapacityChangedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyCapacity(ctx.envelope.id, data);
  }

  @EventPattern(OrganisationRegisteredV1.type)
  async onRegistered(@Payload() data: OrganisationRegisteredV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyOrganisation(ctx.envelope.id, data.organisationId, {
      registered: true,
      kind: data.kind,
      ...(data.odsCode ? { odsCode: data.odsCode } : {}),
      registeredAt: data.occurredAt,
    });
  }

  @EventPattern(OrganisationVerifiedV1.type)
  async onVerified(@Payload() data: OrganisationVerifiedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyOrganisation(
      ctx.envelope.id,
      data.organisationId,
      {
        verified: true,
        verificationChangedAt: data.occurredAt,
        ...(data.verifiedUntil ? { verifiedUntil: data.verifiedUntil } : {}),
      },
      data.verifiedUntil ? [] : ['verifiedUntil'],
    );
  }

  @EventPattern(OrganisationUnverifiedV1.type)
  async onUnverified(@Payload() data: OrganisationUnverifiedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyOrganisation(ctx.envelope.id, data.organisationId, {
      verified: false,
      verificationChangedAt: data.occurredAt,
    });
  }

  @EventPattern(OrganisationSuspendedV1.type)
  async onSuspended(@Payload() data: OrganisationSuspendedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyOrganisation(ctx.envelope.id, data.organisationId, {
      suspended: true,
      suspensionReasonCode: data.reasonCode,
      suspensionChangedAt: data.occurredAt,
    });
  }

  @EventPattern(OrganisationReinstatedV1.type)
  async onReinstated(@Payload() data: OrganisationReinstatedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyOrganisation(
      ctx.envelope.id,
      data.organisationId,
      { suspended: false, suspensionChangedAt: data.occurredAt },
      ['suspensionReasonCode'],
    );
  }
}
