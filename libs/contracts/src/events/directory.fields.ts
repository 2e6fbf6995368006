import { Type } from '@sinclair/typebox';
import { Code, Id, OccurredAt, StringEnum } from './fields.schema';
import { SERVICE_STATUSES } from './service.published.v1.event';

/** Gravity capacity status of a service. */
export const CAPACITY_STATUSES = [
  'has-capacity',
  'no-capacity',
  'waitlist',
  'additional-assessment-required',
] as const;
export type CapacityStatus = (typeof CAPACITY_STATUSES)[number];

/** Kinds of assurance evidence an organisation keeps current to stay verified. */
export const EVIDENCE_TYPES = [
  'safeguarding-policy',
  'dbs-checks',
  'public-liability-insurance',
  'registered-charity-or-company',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/**
 * A service's listing as the rest of the platform needs it to route referrals: who runs it, its
 * HSDS status, what it is classified under and whom it serves. Published whole on every change so a
 * consumer's replica is a simple overwrite.
 */
export function serviceListingFields() {
  return {
    serviceId: Id('The directory service (HSDS service.id, a UUID)'),
    organisationId: Id('Organisation that runs the service (HSDS organization.id, a UUID)'),
    status: StringEnum(SERVICE_STATUSES, { description: 'HSDS service status' }),
    taxonomyTermIds: Type.Array(Code('Taxonomy term id (HSDS taxonomy_term.id, a UUID)'), {
      maxItems: 100,
      description: 'Taxonomy terms the service is classified under (their HSDS ids)',
    }),
    needCodes: Type.Optional(
      Type.Array(
        Code('Need code of the platform need taxonomy (taxonomy_term.code, e.g. sp-need-loneliness)'),
        {
          maxItems: 100,
          description:
            'The needs the service meets: the codes of its terms in the platform need taxonomy (what referrals carry). Added beside taxonomyTermIds when directory ids became UUIDs; absent from events produced before.',
        },
      ),
    ),
    minimumAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: 'HSDS minimum_age' })),
    maximumAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: 'HSDS maximum_age' })),
    languages: Type.Array(Code('ISO 639 language code'), { maxItems: 50, description: 'Languages offered' }),
    occurredAt: OccurredAt(),
  };
}
