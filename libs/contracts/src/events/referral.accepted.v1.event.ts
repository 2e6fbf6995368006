import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { statusChangeFields } from './referral-change.fields';

export const ReferralAcceptedV1Schema = Type.Object(
  {
    ...statusChangeFields(),
    toStatus: Type.Literal('accepted', { description: 'Task status after the change' }),
    claimed: Type.Boolean({ description: 'True when a provider claimed an open referral' }),
  },
  {
    additionalProperties: false,
    description: 'The receiving organisation accepted the referral (or claimed an open one).',
  },
);

export type ReferralAcceptedV1Data = Static<typeof ReferralAcceptedV1Schema>;

export const ReferralAcceptedV1 = defineEvent({
  name: 'referral.accepted',
  version: 1,
  type: eventTypeFor('referral.accepted', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralAcceptedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations'],
  summary: 'The receiving organisation accepted the referral (or claimed an open one).',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    version: 2,
    requesterOrganisationId: 'org-riverside-practice',
    targetServiceId: 'svc-befriending',
    ownerOrganisationId: 'org-befriend-tees',
    patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    submittedAt: '2025-01-15T09:30:00.000Z',
    occurredAt: '2025-01-16T10:00:00.000Z',
    fromStatus: 'requested',
    toStatus: 'accepted',
    actor: { organisationId: 'org-befriend-tees', role: 'provider' },
    claimed: false,
  },
});
