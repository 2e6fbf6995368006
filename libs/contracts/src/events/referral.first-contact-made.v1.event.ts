import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, eventTypeFor } from '../event-contract';
import { Topics } from '../topics';
import { Id, OccurredAt, PatientKey, StringEnum } from './fields.schema';

/** How a link worker or VCS worker tried to reach the patient. */
export const CONTACT_METHODS = ['phone', 'face-to-face', 'video', 'text'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const ReferralFirstContactMadeV1Schema = Type.Object(
  {
    referralId: Id('The referral (and the FHIR Task tracking it)'),
    requesterOrganisationId: Id('Organisation that made the referral'),
    ownerOrganisationId: Id('Organisation that made the contact (FHIR Task.owner)'),
    targetServiceId: Type.Optional(Id('Directory service the referral is addressed to')),
    patientKey: PatientKey(),
    submittedAt: Type.String({ format: 'date-time', description: 'When the referral was submitted' }),
    firstContactAt: Type.String({
      format: 'date-time',
      description: 'When the patient was first reached (the contact time recorded, not when it was typed in)',
    }),
    method: StringEnum(CONTACT_METHODS, { description: 'How the patient was reached' }),
    attemptsBefore: Type.Integer({
      minimum: 0,
      description: 'Unsuccessful contact attempts recorded before this one',
    }),
    occurredAt: OccurredAt(),
  },
  {
    additionalProperties: false,
    description:
      "The patient was reached for the first time: the referral's first-contact time, for timeliness reporting. Ids, codes and times only.",
  },
);

export type ReferralFirstContactMadeV1Data = Static<typeof ReferralFirstContactMadeV1Schema>;

export const ReferralFirstContactMadeV1 = defineEvent({
  name: 'referral.first-contact-made',
  version: 1,
  type: eventTypeFor('referral.first-contact-made', 1),
  topic: Topics.referralLifecycle,
  schema: ReferralFirstContactMadeV1Schema,
  partitionKey: (data) => data.referralId,
  subject: (data) => `referrals/${data.referralId}`,
  producer: 'referrals',
  consumers: ['analytics'],
  summary: 'The patient was reached for the first time (first-contact time, for timeliness reports).',
  example: {
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    requesterOrganisationId: '0d9a3c1e-5b7f-5e2a-9c4d-1f2e3a4b5c6d',
    ownerOrganisationId: '3a3908f7-aed6-5fb0-a9f7-09d454a61b54',
    targetServiceId: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
    patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
    submittedAt: '2025-01-15T09:30:00.000Z',
    firstContactAt: '2025-01-17T11:05:00.000Z',
    method: 'phone',
    attemptsBefore: 1,
    occurredAt: '2025-01-17T11:05:00.000Z',
  },
});
