import { Type } from '@sinclair/typebox';

/** Settings of the internal patient-contact API; spread into ServiceConfigSchema. */
export const PatientContactConfigProperties = {
  PATIENT_CONTACT_READERS: Type.String({
    default: 'notifications',
    pattern: '^[A-Za-z0-9._-]*(,[A-Za-z0-9._-]+)*$',
    expectation: 'a comma-separated list of API client ids',
    description:
      "API clients (client-credentials, ops role or scope patient-contact:read) allowed to read patients' contact details at GET /internal/v1/referrals/{id}/patient-contact: the notifications service. Empty: nobody",
  }),
};
