import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ServicePublishedV1,
  ServicePublishedV2,
  ServiceUpdatedV1,
  ServiceWithdrawnV1,
  type ServicePublishedV1Data,
  type ServicePublishedV2Data,
  type ServiceUpdatedV1Data,
  type ServiceWithdrawnV1Data,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { ServiceReplicaRepository } from './service-replica.repository';

/** Keeps "which organisation runs which service" from the directory topic. */
@Controller()
export class DirectoryEventsConsumer {
  constructor(private readonly replica: ServiceReplicaRepository) {}

  /** Legacy v1 events may still be on the topic (retention); handled like v2. */
  @EventPattern(ServicePublishedV1.type)
  async onServicePublishedV1(
    @Payload() data: ServicePublishedV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServicePublishedV2.type)
  async onServicePublished(@Payload() data: ServicePublishedV2Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServiceUpdatedV1.type)
  async onServiceUpdated(@Payload() data: ServiceUpdatedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, data);
  }

  @EventPattern(ServiceWithdrawnV1.type)
  async onServiceWithdrawn(@Payload() data: ServiceWithdrawnV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyListing(ctx.envelope.id, { ...data, status: 'withdrawn' });
  }
}
