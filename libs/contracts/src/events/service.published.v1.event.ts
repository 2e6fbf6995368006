import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Code, Id, OccurredAt, StringEnum } from './fields.schema';

/** Open Referral HSDS 3.0 service status. */
export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;

export const ServicePublishedV1Schema = Type.Object(
  {
    serviceId: Id('The directory service (HSDS service.id)'),
    organisationId: Id('Organisation that runs the service'),
    status: StringEnum(SERVICE_STATUSES, { description: 'HSDS service status' }),
    taxonomyTermIds: Type.Array(Code('Taxonomy term id (what the service offers / which needs it meets)'), {
      maxItems: 100,
      description: 'Taxonomy terms the service is classified under',
    }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'A service was published, or its listing changed (status, taxonomy).',
  },
);

export type ServicePublishedV1Data = Static<typeof ServicePublishedV1Schema>;

export const ServicePublishedV1 = defineEvent({
  name: 'service.published',
  version: 1,
  type: eventTypeFor('service.published', 1),
  topic: Topics.directory,
  schema: ServicePublishedV1Schema,
  // Keyed by organisation so a service's events follow its organisation's registration.
  partitionKey: (data) => data.organisationId,
  subject: (data) => `services/${data.serviceId}`,
  producer: 'organisations',
  consumers: ['notifications'],
  summary: 'A directory service was published or its listing changed.',
  example: {
    serviceId: 'svc-befriending-tees',
    organisationId: 'org-tees-befrienders',
    status: 'active',
    taxonomyTermIds: ['sp-need-loneliness'],
    occurredAt: '2025-01-10T12:05:00.000Z',
  },
});
