import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { serviceListingFields } from './directory.fields';

export const ServiceUpdatedV1Schema = Type.Object(
  {
    ...serviceListingFields(),
  },
  {
    additionalProperties: false,
    description:
      'A published service changed (status, classification, eligibility or languages): its whole new listing.',
  },
);

export type ServiceUpdatedV1Data = Static<typeof ServiceUpdatedV1Schema>;

export const ServiceUpdatedV1 = defineEvent({
  name: 'service.updated',
  version: 1,
  type: eventTypeFor('service.updated', 1),
  topic: Topics.directory,
  schema: ServiceUpdatedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `services/${data.serviceId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary:
    'A published service changed (status, classification, eligibility or languages): its whole new listing.',
  example: {
    serviceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    status: 'temporarily closed',
    taxonomyTermIds: ['ad1d098c-0ad1-5e36-be56-8458ed5ccc15'],
    needCodes: ['sp-need-loneliness'],
    minimumAge: 50,
    languages: ['en', 'cy'],
    occurredAt: '2025-03-01T08:00:00.000Z',
  },
});
