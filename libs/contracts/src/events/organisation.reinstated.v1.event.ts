import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const OrganisationReinstatedV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    occurredAt: OccurredAt(),
  },
  { additionalProperties: false, description: 'A suspended organisation was reinstated.' },
);

export type OrganisationReinstatedV1Data = Static<typeof OrganisationReinstatedV1Schema>;

export const OrganisationReinstatedV1 = defineEvent({
  name: 'organisation.reinstated',
  version: 1,
  type: eventTypeFor('organisation.reinstated', 1),
  topic: Topics.directory,
  schema: OrganisationReinstatedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'A suspended organisation was reinstated.',
  example: {
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    occurredAt: '2025-02-10T09:00:00.000Z',
  },
});
