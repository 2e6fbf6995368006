import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt } from './fields.schema';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const TeamCaseloadChangedV1Schema = Type.Object(
  {
    organisationId: Id('The receiving organisation whose team this is'),
    workers: Count('People on the team roster who may hold referrals'),
    workersWithLimit: Count('Of those, how many have a caseload limit set by a team lead'),
    assigned: Count('Open referrals of the organisation assigned to a worker'),
    unassigned: Count('Open referrals owned by the organisation and assigned to nobody'),
    limitTotal: Type.Optional(
      Count(
        'Sum of the caseload limits set (absent when no worker has a limit: capacity is not limited by staff)',
      ),
    ),
    headroom: Type.Optional(
      Count(
        'Places left under the limits: the sum over workers with a limit of max(0, limit - assigned to them), absent when no limit is set',
      ),
    ),
    teamVersion: Type.Integer({
      minimum: 1,
      description: 'Increases with every change (orders and de-duplicates)',
    }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      "An organisation's assigned caseload or its workers' caseload limits changed. Counts only: no person, no patient.",
  },
);

export type TeamCaseloadChangedV1Data = Static<typeof TeamCaseloadChangedV1Schema>;

export const TeamCaseloadChangedV1 = defineEvent({
  name: 'team.caseload-changed',
  version: 1,
  type: eventTypeFor('team.caseload-changed', 1),
  topic: Topics.teams,
  schema: TeamCaseloadChangedV1Schema,
  partitionKey: (data) => data.organisationId,
  subject: (data) => `organisations/${data.organisationId}/team`,
  producer: 'referrals',
  consumers: ['organisations'],
  summary: "An organisation's assigned caseload or its workers' caseload limits changed (counts only).",
  example: {
    organisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    workers: 3,
    workersWithLimit: 2,
    assigned: 17,
    unassigned: 2,
    limitTotal: 30,
    headroom: 14,
    teamVersion: 42,
    occurredAt: '2025-01-17T09:00:00.000Z',
  },
});
