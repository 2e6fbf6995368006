import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { statusChangeFields } from './referral-change.fields';

export const ReferralStartedV1Schema = Type.Object(
  {
    ...statusChangeFields(),
    toStatus: Type.Literal('in-progress', { description: 'Task status after the change' }),
  },
  { additionalProperties: false, description: 'Work with the patient started.' },
);

export type ReferralStartedV1Data = Static<typeof ReferralStartedV1Schema>;

export const ReferralStartedV1 = defineEvent({
  name: 'referral.started',
  version: 1,
  type: eventTypeFor('referral.started', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralStartedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations'],
  summary: 'Work with the patient started.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    version: 2,
    requesterOrganisationId: 'org-riverside-practice',
    targetServiceId: 'svc-befriending',
    ownerOrganisationId: 'org-befriend-tees',
    patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    submittedAt: '2025-01-15T09:30:00.000Z',
    occurredAt: '2025-01-16T10:00:00.000Z',
    fromStatus: 'accepted',
    toStatus: 'in-progress',
    actor: { organisationId: 'org-befriend-tees', role: 'provider' },
  },
});
