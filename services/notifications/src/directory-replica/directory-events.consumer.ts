import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ServicePublishedV1, type ServicePublishedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { ServiceReplicaRepository } from './service-replica.repository';

@Controller()
export class DirectoryEventsConsumer {
  constructor(private readonly replica: ServiceReplicaRepository) {}

  @EventPattern(ServicePublishedV1.type)
  async onServicePublished(@Payload() data: ServicePublishedV1Data, @Ctx() ctx: EventContext): Promise<void> {
    await this.replica.applyPublished(ctx.envelope.id, data);
  }
}
