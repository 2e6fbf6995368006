import { Type, type Static } from '@sinclair/typebox';
import type { FieldProblem } from '@sp/errors';
import { schemaProblems } from '../schema-validation';

/**
 * The partner event stream: per organisation, a Kafka topic carrying the referral notifications
 * the organisation is told about, for its own systems (a VCS portal) to consume with their own
 * SCRAM credentials (docs/notifications/partner-streams.md). Unlike the internal topics, each
 * record is a whole CloudEvent in the Kafka binding's structured content mode
 * (`content-type: application/cloudevents+json`), so any CloudEvents SDK reads it as is. Thin: ids,
 * codes and times; never patient data (not even the pseudonymous patient key) or free text.
 */
export const PARTNER_TOPIC_PREFIX = 'sp.partner.';

/** `sp.partner.<organisationId>.referrals.v1`. */
export function partnerReferralTopic(organisationId: string): string {
  return `${PARTNER_TOPIC_PREFIX}${organisationId}.referrals.v1`;
}

/** Topics and consumer groups the organisation may read start with this. */
export function partnerPrefix(organisationId: string): string {
  return `${PARTNER_TOPIC_PREFIX}${organisationId}.`;
}

export const PARTNER_STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export const PartnerReferralEventDataV1Schema = Type.Object(
  {
    referralId: Type.String({ minLength: 1, description: 'Read it through the referrals API' }),
    kind: Type.String({
      minLength: 1,
      description: "The platform event's short name, e.g. referral.rejected",
    }),
    status: Type.Optional(Type.String({ description: 'FHIR Task status after the event' })),
    reasonCode: Type.Optional(
      Type.String({ description: 'Coded reason (rejected, cancelled, failed, on hold)' }),
    ),
  },
  { additionalProperties: false },
);

export type PartnerReferralEventDataV1 = Static<typeof PartnerReferralEventDataV1Schema>;

export const PartnerReferralEventV1Schema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({
      minLength: 1,
      description: 'The notice id (`<platform event id>:<organisation id>`): stable; consumers dedupe on it',
    }),
    type: Type.String({
      minLength: 1,
      description: "The platform event's CloudEvents type, e.g. org.socialprescribing.referral.rejected.v1",
    }),
    source: Type.Literal('/social-prescribing/notifications'),
    subject: Type.String({ pattern: '^referrals/.+$', description: 'referrals/<referral id>' }),
    time: Type.String({ format: 'date-time', description: 'When the platform event happened' }),
    datacontenttype: Type.Literal('application/json'),
    correlationid: Type.String({ minLength: 1, description: 'Correlation id of the business flow' }),
    causationid: Type.String({ minLength: 1, description: 'The platform event that caused this notice' }),
    traceparent: Type.Optional(Type.String({ description: 'W3C trace context' })),
    partitionkey: Type.String({ minLength: 1, description: 'The referral id; equals the record key' }),
    data: PartnerReferralEventDataV1Schema,
  },
  {
    additionalProperties: false,
    description: "One referral notification for the organisation's own systems, as a structured CloudEvent.",
  },
);

export type PartnerReferralEventV1 = Static<typeof PartnerReferralEventV1Schema>;

export const partnerReferralEventV1Example: PartnerReferralEventV1 = {
  specversion: '1.0',
  id: '0b6f4f7e-6d0c-4a55-8a43-0a4f1d2e9c11:org-riverside-practice',
  type: 'org.socialprescribing.referral.rejected.v1',
  source: '/social-prescribing/notifications',
  subject: 'referrals/6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
  time: '2025-01-16T10:00:00.000Z',
  datacontenttype: 'application/json',
  correlationid: '5d2c8d0e-6f5b-4a8e-8a6f-7c1b2d3e4f50',
  causationid: '0b6f4f7e-6d0c-4a55-8a43-0a4f1d2e9c11',
  partitionkey: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
  data: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    kind: 'referral.rejected',
    status: 'rejected',
    reasonCode: 'no-capacity',
  },
};

/** Every problem with a partner event (fields named from `event`); empty when it keeps the contract. */
export function partnerReferralEventProblems(value: unknown): FieldProblem[] {
  return schemaProblems(PartnerReferralEventV1Schema, value, 'event');
}
