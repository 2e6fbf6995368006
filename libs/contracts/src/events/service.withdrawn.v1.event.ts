import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

export const ServiceWithdrawnV1Schema = Type.Object(
  {
    serviceId: Id('The directory service'),
    organisationId: Id('Organisation that ran the service'),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'A service was withdrawn from the directory: it can no longer receive referrals.',
  },
);

export type ServiceWithdrawnV1Data = Static<typeof ServiceWithdrawnV1Schema>;

export const ServiceWithdrawnV1 = defineEvent({
  name: 'service.withdrawn',
  version: 1,
  type: eventTypeFor('service.withdrawn', 1),
  topic: Topics.directory,
  schema: ServiceWithdrawnV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `services/${data.serviceId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications'],
  summary: 'A service was withdrawn from the directory: it can no longer receive referrals.',
  example: {
    serviceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    occurredAt: '2025-06-01T08:00:00.000Z',
  },
});
