import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferralFirstContactMadeV1, type ReferralFirstContactMadeV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { daysToFirstContact } from './domain/first-contact-timeliness';
import { FirstContactRepository } from './first-contact.repository';

/**
 * referral.first-contact-made -> the referral's first-contact time (exactly once per referral).
 * The event's patient key is not kept: analytics needs times and ids only.
 */
@Controller()
export class FirstContactMadeConsumer {
  constructor(private readonly contacts: FirstContactRepository) {}

  @EventPattern(ReferralFirstContactMadeV1.type)
  async onFirstContactMade(
    @Payload() d: ReferralFirstContactMadeV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.contacts.record({
      _id: d.referralId,
      eventId: ctx.envelope.id,
      requesterOrganisationId: d.requesterOrganisationId,
      ownerOrganisationId: d.ownerOrganisationId,
      ...(d.targetServiceId ? { targetServiceId: d.targetServiceId } : {}),
      submittedAt: d.submittedAt,
      firstContactAt: d.firstContactAt,
      daysToFirstContact: daysToFirstContact(d.submittedAt, d.firstContactAt),
      method: d.method,
      attemptsBefore: d.attemptsBefore,
    });
  }
}
