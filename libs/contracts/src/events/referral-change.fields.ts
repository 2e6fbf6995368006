import { Type } from '@sinclair/typebox';
import { Code, Id, OccurredAt, PatientKey, StringEnum } from './fields.schema';

/** FHIR R4 Task.status values used by the closed-loop referral workflow. */
export const TASK_STATUSES = [
  'draft',
  'requested',
  'accepted',
  'rejected',
  'cancelled',
  'in-progress',
  'on-hold',
  'completed',
  'failed',
  'entered-in-error',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Coded reasons for rejected, cancelled, on-hold and failed (free text stays in the referrals service). */
export const REFERRAL_REASON_CODES = [
  'no-capacity',
  'not-eligible',
  'unable-to-contact',
  'patient-declined',
  'duplicate',
  'referred-elsewhere',
  'no-response',
  'consent-withdrawn',
  'other',
] as const;
export type ReferralReasonCode = (typeof REFERRAL_REASON_CODES)[number];

export const ACTOR_ROLES = ['referrer', 'link-worker', 'provider', 'ops', 'system'] as const;

const Status = (description: string) => StringEnum(TASK_STATUSES, { description });

export const ReasonCode = (description = 'Coded reason for the change') =>
  StringEnum(REFERRAL_REASON_CODES, { description });

/**
 * Fields every referral status-change event carries: who the referral is between, the move made,
 * by which kind of party, and the referral's version after the change (consumers may use it to
 * order or de-duplicate). Ids, codes and timestamps only: never a name, NHS number or note.
 * Each event adds its own literal `toStatus` (and reason or outcome where it has one).
 */
export function statusChangeFields() {
  return {
    referralId: Id('The referral (and the FHIR Task tracking it)'),
    version: Type.Integer({ minimum: 1, description: "The referral's version after this change" }),
    requesterOrganisationId: Id('Organisation that made the referral'),
    targetServiceId: Type.Optional(Id('Directory service the referral is addressed to (absent while open)')),
    ownerOrganisationId: Type.Optional(Id('Organisation acting on it (FHIR Task.owner), when known')),
    parentReferralId: Type.Optional(Id('Parent referral, for an onward referral (Task.partOf)')),
    fromStatus: Status('Task status before the change'),
    actor: Type.Object(
      {
        organisationId: Id('Organisation of the party that made the change ("platform" for timers)'),
        role: StringEnum(ACTOR_ROLES, { description: 'Kind of party that made the change' }),
      },
      { additionalProperties: false, description: 'Who made the change (organisation and role, no person)' },
    ),
    patientKey: PatientKey(),
    submittedAt: Type.String({ format: 'date-time', description: 'When the referral was submitted' }),
    occurredAt: OccurredAt(),
  };
}

export const OutcomeCodes = () =>
  Type.Array(Code('What was done: platform outcome code or SNOMED CT concept id'), {
    maxItems: 20,
    description: 'Coded outcome (FHIR Task.output)',
  });

const Score = (description: string) => Type.Integer({ minimum: 0, maximum: 10, description });

/** ONS4 personal wellbeing: four 0-10 items. */
export const Ons4Scores = () =>
  Type.Object(
    {
      lifeSatisfaction: Score('How satisfied are you with your life nowadays?'),
      worthwhile: Score('To what extent do you feel the things you do in your life are worthwhile?'),
      happiness: Score('How happy did you feel yesterday?'),
      anxiety: Score('How anxious did you feel yesterday? (lower is better)'),
    },
    { additionalProperties: false, description: 'ONS4 personal wellbeing scores' },
  );

export const Wellbeing = () =>
  Type.Object(
    {
      baseline: Type.Optional(Ons4Scores()),
      followUp: Type.Optional(Ons4Scores()),
    },
    { additionalProperties: false, description: 'ONS4 at start (baseline) and at follow-up' },
  );
