import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { statusChangeFields } from './referral-change.fields';

export const ReferralEnteredInErrorV1Schema = Type.Object(
  {
    ...statusChangeFields(),
    toStatus: Type.Literal('entered-in-error', { description: 'Task status after the change' }),
  },
  {
    additionalProperties: false,
    description: 'The referral was recorded in error and should be disregarded.',
  },
);

export type ReferralEnteredInErrorV1Data = Static<typeof ReferralEnteredInErrorV1Schema>;

export const ReferralEnteredInErrorV1 = defineEvent({
  name: 'referral.entered-in-error',
  version: 1,
  type: eventTypeFor('referral.entered-in-error', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralEnteredInErrorV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations'],
  summary: 'The referral was recorded in error and should be disregarded.',
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
    toStatus: 'entered-in-error',
    actor: { organisationId: 'org-riverside-practice', role: 'referrer' },
  },
});
