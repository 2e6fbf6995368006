import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const OrganisationContactEmailChangedV1Schema = Type.Object(
  {
    organisationId: Id('The organisation'),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description:
          "The organisation's contact email in the directory (HSDS organization.email): an organisation's published address, never a person's private one; absent when it was removed",
      }),
    ),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      "An organisation's contact email in the directory was set, changed or removed (also on registration with one).",
  },
);

export type OrganisationContactEmailChangedV1Data = Static<typeof OrganisationContactEmailChangedV1Schema>;

export const OrganisationContactEmailChangedV1 = defineEvent({
  name: 'organisation.contact-email-changed',
  version: 1,
  type: eventTypeFor('organisation.contact-email-changed', 1),
  topic: Topics.directory,
  schema: OrganisationContactEmailChangedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}`,
  producer: 'organisations',
  consumers: ['notifications'],
  summary:
    "An organisation's directory contact email was set, changed or removed: where the platform emails the organisation by default.",
  example: {
    organisationId: '62731195-745c-53f5-a4e5-87c7ab49365b',
    email: 'referrals@riverside-practice.example.org',
    occurredAt: '2025-01-10T12:00:00.000Z',
  },
});
