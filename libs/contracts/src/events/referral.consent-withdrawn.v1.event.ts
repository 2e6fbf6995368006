import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const ReferralConsentWithdrawnV1Schema = Type.Object(
  {
    referralId: Id('The referral whose consent was withdrawn'),
    requesterOrganisationId: Id('Organisation that made the referral'),
    rootReferralId: Id('The referral on which the withdrawal was recorded (this one, or an ancestor)'),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'The patient withdrew consent: stop all processing and contact for this referral, and redact any copy of it (delete patient keys, messages and details held elsewhere).',
  },
);

export type ReferralConsentWithdrawnV1Data = Static<typeof ReferralConsentWithdrawnV1Schema>;

export const ReferralConsentWithdrawnV1 = defineEvent({
  name: 'referral.consent-withdrawn',
  version: 1,
  type: eventTypeFor('referral.consent-withdrawn', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralConsentWithdrawnV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['notifications', 'analytics', 'organisations'],
  summary:
    'Consent was withdrawn for a referral: every service redacts its copy. One event per affected referral.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    requesterOrganisationId: 'org-riverside-practice',
    rootReferralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    occurredAt: '2025-01-20T11:00:00.000Z',
  },
});
