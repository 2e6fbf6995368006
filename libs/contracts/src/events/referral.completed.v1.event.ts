import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { OutcomeCodes, Wellbeing, statusChangeFields } from './referral-change.fields';

export const ReferralCompletedV1Schema = Type.Object(
  {
    ...statusChangeFields(),
    toStatus: Type.Literal('completed', { description: 'Task status after the change' }),
    outcomeCodes: OutcomeCodes(),
    wellbeing: Type.Optional(Wellbeing()),
  },
  {
    additionalProperties: false,
    description: 'The work was completed; coded outcome and optional ONS4 wellbeing scores.',
  },
);

export type ReferralCompletedV1Data = Static<typeof ReferralCompletedV1Schema>;

export const ReferralCompletedV1 = defineEvent({
  name: 'referral.completed',
  version: 1,
  type: eventTypeFor('referral.completed', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralCompletedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations'],
  summary: 'The work was completed; coded outcome and optional ONS4 wellbeing scores.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    version: 2,
    requesterOrganisationId: 'org-riverside-practice',
    targetServiceId: 'svc-befriending',
    ownerOrganisationId: 'org-befriend-tees',
    patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    submittedAt: '2025-01-15T09:30:00.000Z',
    occurredAt: '2025-01-16T10:00:00.000Z',
    fromStatus: 'in-progress',
    toStatus: 'completed',
    actor: { organisationId: 'org-befriend-tees', role: 'provider' },
    outcomeCodes: ['sp-outcome-attended'],
    wellbeing: {
      baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 4, anxiety: 7 },
      followUp: { lifeSatisfaction: 6, worthwhile: 7, happiness: 6, anxiety: 4 },
    },
  },
});
