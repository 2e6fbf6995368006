import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Code, Id, OccurredAt, StringEnum } from './fields.schema';
import { CAPACITY_STATUSES } from './directory.fields';

export const ServiceCapacityChangedV1Schema = Type.Object(
  {
    serviceId: Id('The directory service'),
    organisationId: Id('Organisation that runs the service'),
    capacityStatus: StringEnum(CAPACITY_STATUSES, { description: 'Gravity capacity status' }),
    unit: Type.Optional(Code('HSDS 3.1 service_capacity unit, e.g. places')),
    maximum: Type.Optional(Type.Integer({ minimum: 0, description: 'Declared maximum caseload' })),
    available: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Places available now: declared maximum minus live caseload' }),
    ),
    caseload: Type.Integer({ minimum: 0, description: 'Referrals accepted and still open' }),
    waitlistLength: Type.Integer({ minimum: 0, description: 'Referrals waiting for a place' }),
    estimatedWaitDays: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Estimated wait for a new referral' }),
    ),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description: 'The capacity of a service changed (declared, or derived from its live caseload).',
  },
);

export type ServiceCapacityChangedV1Data = Static<typeof ServiceCapacityChangedV1Schema>;

export const ServiceCapacityChangedV1 = defineEvent({
  name: 'service.capacity-changed',
  version: 1,
  type: eventTypeFor('service.capacity-changed', 1),
  topic: Topics.directory,
  schema: ServiceCapacityChangedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `services/${data.serviceId}`,
  producer: 'organisations',
  consumers: ['referrals', 'notifications', 'analytics'],
  summary: 'The capacity of a service changed (declared, or derived from its live caseload).',
  example: {
    serviceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    capacityStatus: 'waitlist',
    unit: 'places',
    maximum: 20,
    available: 0,
    caseload: 20,
    waitlistLength: 3,
    estimatedWaitDays: 21,
    occurredAt: '2025-02-15T16:00:00.000Z',
  },
});
