import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { PopulationCodes } from '../population/population';
import { Topics } from '../topics';
import { ReferralSubmittedV1Schema } from './referral.submitted.v1.event';

/**
 * Version 2 of `referral.submitted`: version 1's fields plus the response deadline and the
 * referral's coarse population codes (age band, sex, deprivation decile, ethnic category) for
 * equity reporting. Additive: a consumer of version 1's fields reads a version 2 payload unchanged.
 */
export const ReferralSubmittedV2Schema = Type.Object(
  {
    ...ReferralSubmittedV1Schema.properties,
    respondBy: Type.String({
      format: 'date-time',
      description: 'When the receiving side must have accepted or rejected it (response deadline)',
    }),
    population: PopulationCodes(),
  },
  {
    additionalProperties: false,
    description: 'A referral was submitted and is waiting for the receiving side.',
  },
);

export type ReferralSubmittedV2Data = Static<typeof ReferralSubmittedV2Schema>;

export const ReferralSubmittedV2 = defineEvent({
  name: 'referral.submitted',
  version: 2,
  type: eventTypeFor('referral.submitted', 2),
  topic: Topics.referralLifecycle,
  schema: ReferralSubmittedV2Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications', 'organisations', 'referrals'],
  summary: 'A referral was submitted (FHIR Task status requested), with its population codes.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    requesterOrganisationId: 'org-riverside-practice',
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-befriending-tees',
    ownerOrganisationId: 'org-tees-befrienders',
    needs: ['sp-need-loneliness', 'sp-need-mental-wellbeing'],
    priority: 'routine',
    status: 'requested',
    patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    respondBy: '2025-01-22T09:30:00.000Z',
    population: { ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' },
    occurredAt: '2025-01-15T09:30:00.000Z',
  },
});
