import { Type, type Static } from '@sinclair/typebox';
import { PATIENT_CONTACT_PURPOSES } from '../domain/patient-contact-access';

/** Query of GET /internal/v1/referrals/{id}/patient-contact: why the details are read (audited). */
export const ReadPatientContactQuerySchema = Type.Object(
  {
    purpose: Type.Unsafe<(typeof PATIENT_CONTACT_PURPOSES)[number]>({
      type: 'string',
      enum: [...PATIENT_CONTACT_PURPOSES],
      description: 'Why the contact details are read (recorded in the audit log)',
    }),
  },
  { additionalProperties: false },
);
export type ReadPatientContactQuery = Static<typeof ReadPatientContactQuerySchema>;
