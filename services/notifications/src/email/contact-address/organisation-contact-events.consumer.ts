import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OrganisationContactEmailChangedV1, type OrganisationContactEmailChangedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { OrganisationContactsRepository } from './organisation-contacts.repository';

/** Keeps each organisation's directory contact email, where its emails go by default. */
@Controller()
export class OrganisationContactEventsConsumer {
  constructor(private readonly contacts: OrganisationContactsRepository) {}

  @EventPattern(OrganisationContactEmailChangedV1.type)
  async onContactEmailChanged(
    @Payload() data: OrganisationContactEmailChangedV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.contacts.apply(ctx.envelope.id, data);
  }
}
