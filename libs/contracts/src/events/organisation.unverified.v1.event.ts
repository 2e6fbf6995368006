import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt, StringEnum } from './fields.schema';
import { EVIDENCE_TYPES } from './directory.fields';

export const OrganisationUnverifiedV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    problems: Type.Array(
      Type.Object(
        {
          evidenceType: StringEnum(EVIDENCE_TYPES, { description: 'Kind of assurance evidence' }),
          problem: StringEnum(['missing', 'expired', 'revoked'] as const, {
            description: 'What is wrong with it',
          }),
        },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        maxItems: 10,
        description: 'Each required piece of evidence that is missing or out of date',
      },
    ),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'Required assurance evidence is missing or has expired: its services cannot receive referrals.',
  },
);

export type OrganisationUnverifiedV1Data = Static<typeof OrganisationUnverifiedV1Schema>;

export const OrganisationUnverifiedV1 = defineEvent({
  name: 'organisation.unverified',
  version: 1,
  type: eventTypeFor('organisation.unverified', 1),
  topic: Topics.directory,
  schema: OrganisationUnverifiedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'Required assurance evidence is missing or has expired: its services cannot receive referrals.',
  example: {
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    problems: [{ evidenceType: 'dbs-checks', problem: 'expired' }],
    occurredAt: '2026-03-31T00:00:05.000Z',
  },
});
