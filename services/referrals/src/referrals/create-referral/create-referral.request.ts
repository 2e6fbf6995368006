import { Type, type Static } from '@sinclair/typebox';
import { ValidationError } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { patientContactFromIntake } from '../../patient-contact/patient-contact.intake';
import type { ReferralIntake } from '../referral-operations';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });

/** JSON intake body (POST /v1/referrals). Unknown fields are refused: this is patient data. */
export const CreateReferralRequestSchema = Type.Object(
  {
    patient: Type.Object(
      {
        nhsNumber: Type.String({ minLength: 1, maxLength: 20 }),
        givenName: Type.String({ minLength: 1, maxLength: 100 }),
        familyName: Type.String({ minLength: 1, maxLength: 100 }),
        birthDate: Type.String({ format: 'date' }),
        /** FHIR AdministrativeGender: female | male | other | unknown (checked by the intake rules). */
        sex: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
        /** UK postcode (any case and spacing); used to find the area's deprivation decile, never sent on. */
        postcode: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
        /** NHS ethnic category code (A-S, Z not stated, 99 not known). */
        ethnicCategory: Type.Optional(Type.String({ minLength: 1, maxLength: 4 })),
        /** For patient notifications (GOV.UK Notify): a UK mobile and/or an email address. */
        telecom: Type.Optional(
          Type.Object(
            {
              mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
              email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    requesterOdsCode: Type.String({ minLength: 3, maxLength: 10, pattern: '^[A-Z0-9]+$' }),
    /** Absent: an open referral that any eligible provider may claim. */
    targetServiceId: Type.Optional(Id),
    needs: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9.:_-]+$' }), {
      minItems: 1,
      maxItems: 20,
    }),
    priority: Type.Union([
      Type.Literal('routine'),
      Type.Literal('urgent'),
      Type.Literal('asap'),
      Type.Literal('stat'),
    ]),
    consent: Type.Object(
      {
        given: Type.Boolean(),
        recordedBy: Type.String({ minLength: 1, maxLength: 100 }),
        recordedAt: Type.String({ format: 'date-time' }),
        scope: Type.Literal('share-with-receiving-service'),
      },
      { additionalProperties: false },
    ),
    doNotContact: Type.Optional(Type.Boolean()),
    /** Note for the receiving service (kept here, never put in an event). */
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export type CreateReferralRequest = Static<typeof CreateReferralRequestSchema>;

const validator = schemaValidator(CreateReferralRequestSchema);

/** The JSON body as the intake the operations take (throws VALIDATION.FAILED naming every field). */
export function parseCreateReferralRequest(body: unknown): ReferralIntake {
  // Schema problems and contact-detail problems in one answer.
  const contact = patientContactFromIntake(telecomOf(body));
  const problems = [...validator.problems(body), ...contact.problems];
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
  const r = body as CreateReferralRequest;
  const { telecom: _telecom, ...patient } = r.patient;
  return {
    patient,
    ...(contact.contact ? { patientContact: contact.contact } : {}),
    requesterOdsCode: r.requesterOdsCode,
    ...(r.targetServiceId !== undefined ? { targetServiceId: r.targetServiceId } : {}),
    needs: r.needs,
    priority: r.priority,
    consent: r.consent,
    ...(r.doNotContact !== undefined ? { doNotContact: r.doNotContact } : {}),
    ...(r.note !== undefined ? { note: r.note } : {}),
  };
}

function telecomOf(body: unknown): unknown {
  const patient = (body as { patient?: unknown } | null)?.patient;
  return patient && typeof patient === 'object' ? (patient as { telecom?: unknown }).telecom : undefined;
}
