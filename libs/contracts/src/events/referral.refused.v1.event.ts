import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { PopulationCodes } from '../population/population';
import { Topics } from '../topics';
import { Code, Id, OccurredAt, OdsCode, StringEnum } from './fields.schema';
import { REFERRAL_PRIORITIES } from './referral.submitted.v1.event';

/**
 * Why a well-formed referral was refused at intake by the service it was addressed to: unmet
 * demand. Only refusals for the target's sake are facts (a malformed request is not demand).
 */
export const REFUSAL_REASON_CODES = [
  'no-capacity',
  'not-eligible',
  'service-not-active',
  'organisation-unavailable',
  'unknown-service',
] as const;
export type RefusalReasonCode = (typeof REFUSAL_REASON_CODES)[number];

export const ReferralRefusedV1Schema = Type.Object(
  {
    refusalId: Id('This refusal (no referral was created)'),
    requesterOrganisationId: Id('Organisation that tried to refer (usually a GP practice)'),
    requesterOdsCode: OdsCode('ODS code of the requesting organisation'),
    targetServiceId: Id('Directory service the referral was addressed to'),
    ownerOrganisationId: Type.Optional(Id('Organisation running that service, when the directory knows it')),
    needs: Type.Array(Code('Need code: platform need taxonomy or SNOMED CT concept id'), {
      minItems: 1,
      maxItems: 20,
      description: 'Coded needs behind the referral (never free text)',
    }),
    priority: StringEnum(REFERRAL_PRIORITIES, { description: 'FHIR request priority' }),
    reasonCodes: Type.Array(StringEnum(REFUSAL_REASON_CODES, { description: 'Coded reason' }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Every reason the service could not take it (the first is the main one)',
    }),
    population: PopulationCodes(),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'A well-formed referral was refused at intake because the service it was addressed to could not take it (no patient identifiers: codes only).',
  },
);

export type ReferralRefusedV1Data = Static<typeof ReferralRefusedV1Schema>;

export const ReferralRefusedV1 = defineEvent({
  name: 'referral.refused',
  version: 1,
  type: eventTypeFor('referral.refused', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralRefusedV1Schema,
  partitionKey: (data) => data.refusalId,
  subject: (data) => `refusals/${data.refusalId}`,
  producer: 'referrals',
  consumers: ['analytics'],
  summary: 'A referral was refused at intake by its target service (unmet demand; no referral exists).',
  example: {
    refusalId: '0b8d3f2c-51a4-4f0e-9d55-7f3c2a1b9e10',
    requesterOrganisationId: 'org-riverside-practice',
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-befriending-tees',
    ownerOrganisationId: 'org-tees-befrienders',
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    reasonCodes: ['no-capacity'],
    population: { ageBand: '75-84', sex: 'male', imdDecile: 2 },
    occurredAt: '2025-02-01T10:00:00.000Z',
  },
});
