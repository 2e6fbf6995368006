import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt, StringEnum } from './fields.schema';

export const ASSIGNMENT_ACTIONS = ['assigned', 'reassigned', 'unassigned'] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

/** Coded reasons for a reassignment (handover); free text stays in the referrals service. */
export const REASSIGNMENT_REASON_CODES = [
  'leave',
  'left-team',
  'caseload-balance',
  'skills-match',
  'patient-request',
  'other',
] as const;
export type ReassignmentReasonCode = (typeof REASSIGNMENT_REASON_CODES)[number];

/** A staff member's subject identifier at their organisation's identity provider (never a patient's). */
const PersonSub = (description: string) =>
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._:@|-]+$', description });

export const ReferralAssignedV1Schema = Type.Object(
  {
    referralId: Id('The referral (and the FHIR Task tracking it)'),
    ownerOrganisationId: Id('Organisation whose team holds the referral (FHIR Task.owner)'),
    targetServiceId: Type.Optional(Id('Directory service the referral is addressed to')),
    action: StringEnum(ASSIGNMENT_ACTIONS, { description: 'What happened to the assignment' }),
    assigneeSub: Type.Optional(PersonSub('The worker now holding the referral (absent when unassigned)')),
    previousAssigneeSub: Type.Optional(
      PersonSub('The worker who held it before (absent when first assigned)'),
    ),
    reasonCode: Type.Optional(
      StringEnum(REASSIGNMENT_REASON_CODES, {
        description: 'Coded reason for a reassignment or unassignment',
      }),
    ),
    assignedBySub: Type.Optional(PersonSub('The person who made the change (absent for an API client)')),
    assignmentVersion: Type.Integer({
      minimum: 1,
      description: "The referral's assignment version after this change (orders and de-duplicates)",
    }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      'A referral was assigned to a worker of the owning organisation, handed over to another, or unassigned. Staff identifiers and codes only: never patient data or the free-text reason.',
  },
);

export type ReferralAssignedV1Data = Static<typeof ReferralAssignedV1Schema>;

export const ReferralAssignedV1 = defineEvent({
  name: 'referral.assigned',
  version: 1,
  type: eventTypeFor('referral.assigned', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralAssignedV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['notifications'],
  summary: 'A referral was assigned, handed over (reassigned) or unassigned within the owning team.',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    ownerOrganisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    targetServiceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    action: 'reassigned',
    assigneeSub: 'lw-bea',
    previousAssigneeSub: 'lw-ali',
    reasonCode: 'leave',
    assignedBySub: 'lead-chris',
    assignmentVersion: 2,
    occurredAt: '2025-01-17T09:00:00.000Z',
  },
});
