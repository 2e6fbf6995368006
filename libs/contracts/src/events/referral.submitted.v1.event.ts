import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Code, Id, OccurredAt, OdsCode, PatientKey, StringEnum } from './fields.schema';

export const REFERRAL_PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;

export const ReferralSubmittedV1Schema = Type.Object(
  {
    referralId: Id('The referral (and the FHIR Task tracking it)'),
    requesterOrganisationId: Id('Organisation that made the referral (usually a GP practice)'),
    requesterOdsCode: OdsCode('ODS code of the requesting organisation'),
    targetServiceId: Type.Optional(
      Id('Directory service the referral is addressed to; absent for an open referral'),
    ),
    ownerOrganisationId: Type.Optional(
      Id('Organisation expected to act on it (FHIR Task.owner), when known'),
    ),
    needs: Type.Array(Code('Need code: platform need taxonomy or SNOMED CT concept id'), {
      minItems: 1,
      maxItems: 20,
      description: 'Coded needs behind the referral (never free text)',
    }),
    priority: StringEnum(REFERRAL_PRIORITIES, { description: 'FHIR request priority' }),
    status: Type.Literal('requested', { description: 'FHIR Task status at submission' }),
    patientKey: PatientKey(),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'A referral was submitted and is waiting for the receiving side.',
  },
);

export type ReferralSubmittedV1Data = Static<typeof ReferralSubmittedV1Schema>;

export const ReferralSubmittedV1 = defineEvent({
  name: 'referral.submitted',
  version: 1,
  type: eventTypeFor('referral.submitted', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralSubmittedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics', 'notifications'],
  summary: 'A referral was submitted (FHIR Task status requested).',
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
    occurredAt: '2025-01-15T09:30:00.000Z',
  },
});
