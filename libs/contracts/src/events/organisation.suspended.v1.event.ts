import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Code, Id, OccurredAt } from './fields.schema';

export const OrganisationSuspendedV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    reasonCode: Code('Coded reason for the suspension'),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'Operations suspended the organisation: its services cannot receive referrals.',
  },
);

export type OrganisationSuspendedV1Data = Static<typeof OrganisationSuspendedV1Schema>;

export const OrganisationSuspendedV1 = defineEvent({
  name: 'organisation.suspended',
  version: 1,
  type: eventTypeFor('organisation.suspended', 1),
  topic: Topics.directory,
  schema: OrganisationSuspendedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'Operations suspended the organisation: its services cannot receive referrals.',
  example: {
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    reasonCode: 'safeguarding-concern',
    occurredAt: '2025-02-01T09:00:00.000Z',
  },
});
