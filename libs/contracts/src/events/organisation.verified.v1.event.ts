import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const OrganisationVerifiedV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    verifiedUntil: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When the earliest required evidence expires (it becomes unverified then unless renewed); absent when nothing expires',
      }),
    ),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'All required assurance evidence is present and current: its services may receive referrals.',
  },
);

export type OrganisationVerifiedV1Data = Static<typeof OrganisationVerifiedV1Schema>;

export const OrganisationVerifiedV1 = defineEvent({
  name: 'organisation.verified',
  version: 1,
  type: eventTypeFor('organisation.verified', 1),
  topic: Topics.directory,
  schema: OrganisationVerifiedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'All required assurance evidence is present and current: its services may receive referrals.',
  example: {
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    verifiedUntil: '2026-03-31T00:00:00.000Z',
    occurredAt: '2025-01-10T12:00:00.000Z',
  },
});
