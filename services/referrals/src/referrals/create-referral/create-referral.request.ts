import { Type, type Static } from '@sinclair/typebox';

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
      },
      { additionalProperties: false },
    ),
    requesterOdsCode: Type.String({ minLength: 3, maxLength: 10, pattern: '^[A-Z0-9]+$' }),
    targetServiceId: Id,
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
  },
  { additionalProperties: false },
);

export type CreateReferralRequest = Static<typeof CreateReferralRequestSchema>;
