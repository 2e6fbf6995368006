import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt, OdsCode, StringEnum } from './fields.schema';

export const ORGANISATION_KINDS = ['gp-practice', 'link-worker-service', 'vcs'] as const;

export const OrganisationRegisteredV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    odsCode: Type.Optional(OdsCode('ODS code, for NHS organisations')),
    kind: StringEnum(ORGANISATION_KINDS, {
      description: 'GP practice, link-worker service, or voluntary and community sector organisation',
    }),
    occurredAt: OccurredAt(),
  },
  { additionalProperties: false, description: 'An organisation joined the shared directory.' },
);

export type OrganisationRegisteredV1Data = Static<typeof OrganisationRegisteredV1Schema>;

export const OrganisationRegisteredV1 = defineEvent({
  name: 'organisation.registered',
  version: 1,
  type: eventTypeFor('organisation.registered', 1),
  topic: Topics.directory,
  schema: OrganisationRegisteredV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['notifications'],
  summary: 'An organisation was registered in the directory.',
  example: {
    organisationId: '62731195-745c-53f5-a4e5-87c7ab49365b',
    odsCode: 'A81001',
    kind: 'gp-practice',
    occurredAt: '2025-01-10T12:00:00.000Z',
  },
});
