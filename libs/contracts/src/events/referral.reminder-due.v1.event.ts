import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const ReferralReminderDueV1Schema = Type.Object(
  {
    referralId: Id('The referral still waiting for an answer'),
    requesterOrganisationId: Id('Organisation that made the referral'),
    targetServiceId: Type.Optional(Id('Directory service the referral is addressed to (absent while open)')),
    ownerOrganisationId: Type.Optional(Id('Organisation expected to answer, when known')),
    submittedAt: Type.String({ format: 'date-time', description: 'When the referral was submitted' }),
    respondBy: Type.String({ format: 'date-time', description: 'When it will be rejected as no-response' }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'A referral has been neither accepted nor rejected and its response deadline is near.',
  },
);

export type ReferralReminderDueV1Data = Static<typeof ReferralReminderDueV1Schema>;

export const ReferralReminderDueV1 = defineEvent({
  name: 'referral.reminder-due',
  version: 1,
  type: eventTypeFor('referral.reminder-due', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralReminderDueV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['notifications', 'analytics'],
  summary: 'A referral waiting for an answer should be nudged: its response deadline is near.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    requesterOrganisationId: 'org-riverside-practice',
    targetServiceId: 'svc-befriending',
    ownerOrganisationId: 'org-befriend-tees',
    submittedAt: '2025-01-15T09:30:00.000Z',
    respondBy: '2025-01-29T09:30:00.000Z',
    occurredAt: '2025-01-25T09:30:00.000Z',
  },
});
