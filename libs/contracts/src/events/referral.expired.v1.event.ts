import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { statusChangeFields } from './referral-change.fields';

export const ReferralExpiredV1Schema = Type.Object(
  {
    ...statusChangeFields(),
    toStatus: Type.Literal('rejected', { description: 'Task status after the change' }),
    reasonCode: Type.Literal('no-response', { description: 'Always no-response' }),
    respondBy: Type.String({ format: 'date-time', description: 'The deadline that passed' }),
  },
  {
    additionalProperties: false,
    description:
      'Nobody answered before the response deadline: the referral was rejected with reason no-response.',
  },
);

export type ReferralExpiredV1Data = Static<typeof ReferralExpiredV1Schema>;

export const ReferralExpiredV1 = defineEvent({
  name: 'referral.expired',
  version: 1,
  type: eventTypeFor('referral.expired', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralExpiredV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations'],
  summary: 'Nobody answered before the response deadline: the referral was rejected with reason no-response.',
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
    toStatus: 'rejected',
    actor: { organisationId: 'platform', role: 'system' },
    reasonCode: 'no-response',
    respondBy: '2025-01-29T09:30:00.000Z',
  },
});
