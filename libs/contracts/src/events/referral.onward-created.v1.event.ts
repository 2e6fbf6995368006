import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const ReferralOnwardCreatedV1Schema = Type.Object(
  {
    referralId: Id('The parent referral (usually held by a link worker)'),
    childReferralId: Id(
      'The onward referral created (Task.partOf the parent; its own referral.submitted follows)',
    ),
    requesterOrganisationId: Id('Organisation that created the onward referral'),
    targetServiceId: Id('Directory service the onward referral is addressed to'),
    ownerOrganisationId: Type.Optional(Id('Organisation that runs the target service')),
    reroutedFromReferralId: Type.Optional(Id('The rejected onward referral this one re-routes')),
    occurredAt: OccurredAt(),
  },
  { additionalProperties: false, description: 'A link worker referred onwards from a referral.' },
);

export type ReferralOnwardCreatedV1Data = Static<typeof ReferralOnwardCreatedV1Schema>;

export const ReferralOnwardCreatedV1 = defineEvent({
  name: 'referral.onward-created',
  version: 1,
  type: eventTypeFor('referral.onward-created', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralOnwardCreatedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications'],
  summary:
    'An onward (child) referral was created from a parent referral, possibly re-routing a rejected one.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    childReferralId: '0b6f5f4e-2c1d-4e8f-9a7b-3c2d1e0f9a8b',
    requesterOrganisationId: 'org-tees-valley-pcn',
    targetServiceId: 'svc-debt-advice',
    ownerOrganisationId: 'org-money-matters',
    occurredAt: '2025-01-17T14:00:00.000Z',
  },
});
