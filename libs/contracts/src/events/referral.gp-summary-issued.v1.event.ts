import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { ACTOR_ROLES, OutcomeCodes, ReasonCode } from './referral-change.fields';
import { Code, Id, OccurredAt, OdsCode, StringEnum } from './fields.schema';

/** Task statuses that close a referral and so produce the message back to the GP. */
export const GP_SUMMARY_CLOSING_STATUSES = ['completed', 'rejected', 'cancelled', 'failed'] as const;

export const ReferralGpSummaryIssuedV1Schema = Type.Object(
  {
    summaryId: Id('The summary (FHIR Communication id at the referrals FHIR base)'),
    referralId: Id('The referral that closed (FHIR ServiceRequest and Task id)'),
    rootReferralId: Id("The practice's own referral this one descends from (itself when not onward)"),
    recipientOrganisationId: Id('The referring practice the summary is addressed to'),
    recipientOdsCode: OdsCode("The referring practice's ODS code"),
    targetServiceId: Type.Optional(Id('Directory service that took the referral on (absent while open)')),
    ownerOrganisationId: Type.Optional(Id('Organisation that took the referral on (FHIR Task.owner)')),
    closingStatus: StringEnum(GP_SUMMARY_CLOSING_STATUSES, { description: 'Task status it closed with' }),
    expired: Type.Boolean({ description: 'Closed by the response deadline (rejected, reason no-response)' }),
    closedBy: Type.Object(
      {
        organisationId: Id('Organisation of the party that closed it ("platform" for the deadline)'),
        role: StringEnum(ACTOR_ROLES, { description: 'Kind of party that closed it' }),
      },
      { additionalProperties: false, description: 'Who closed it (organisation and role, no person)' },
    ),
    reasonCode: Type.Optional(ReasonCode('Coded reason it was rejected, cancelled or failed')),
    outcomeCodes: OutcomeCodes(),
    recordCodes: Type.Array(Code('SNOMED CT concept id'), {
      minItems: 1,
      maxItems: 10,
      description: 'National SNOMED CT codes for the GP record carried by the summary',
    }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'A coded summary of a closed referral (the PRSB "message back to the referrer") is ready for the referring practice to read as a FHIR Communication. Ids and codes only.',
  },
);

export type ReferralGpSummaryIssuedV1Data = Static<typeof ReferralGpSummaryIssuedV1Schema>;

export const ReferralGpSummaryIssuedV1 = defineEvent({
  name: 'referral.gp-summary-issued',
  version: 1,
  type: eventTypeFor('referral.gp-summary-issued', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralGpSummaryIssuedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['notifications'],
  summary:
    'A coded summary of a closed referral is ready for the referring practice (FHIR Communication at the referrals FHIR base).',
  example: {
    summaryId: '0b6f0e9c-3f5a-5d2e-8f4a-2c1d9e8b7a65',
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    rootReferralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    recipientOrganisationId: 'org-riverside-practice',
    recipientOdsCode: 'A81001',
    targetServiceId: 'svc-befriending',
    ownerOrganisationId: 'org-befriend-tees',
    closingStatus: 'completed',
    expired: false,
    closedBy: { organisationId: 'org-befriend-tees', role: 'provider' },
    outcomeCodes: ['sp-outcome-attended'],
    recordCodes: ['871731000000106'],
    occurredAt: '2025-01-16T10:00:00.000Z',
  },
});
