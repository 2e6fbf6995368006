import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { serviceListingFields } from './directory.fields';

export const ServicePublishedV2Schema = Type.Object(
  {
    ...serviceListingFields(),
  },
  {
    additionalProperties: false,
    description: 'A service was published in the directory (its whole listing).',
  },
);

export type ServicePublishedV2Data = Static<typeof ServicePublishedV2Schema>;

export const ServicePublishedV2 = defineEvent({
  name: 'service.published',
  version: 2,
  type: eventTypeFor('service.published', 2),
  topic: Topics.directory,
  schema: ServicePublishedV2Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `services/${data.serviceId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'A service was published in the directory (its whole listing).',
  example: {
    serviceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    status: 'active',
    taxonomyTermIds: ['ad1d098c-0ad1-5e36-be56-8458ed5ccc15'],
    needCodes: ['sp-need-loneliness'],
    minimumAge: 50,
    languages: ['en'],
    occurredAt: '2025-01-10T12:05:00.000Z',
  },
});
