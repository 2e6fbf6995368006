import { Type, type Static } from '@sinclair/typebox';
import { schemaValidator } from '@sp/validation';

const QuietHours = Type.Unsafe<{ start: string; end: string } | null>({
  type: ['object', 'null'],
  properties: {
    start: { type: 'string', maxLength: 5, description: "HH:mm, Europe/London, e.g. '21:00'" },
    end: { type: 'string', maxLength: 5, description: "HH:mm, Europe/London, e.g. '08:00'" },
  },
  required: ['start', 'end'],
  additionalProperties: false,
  description: 'When patient text messages wait (Europe/London); null: no quiet hours',
});

/**
 * PUT /v1/notification-preferences: the whole preferences document (what is left out follows the
 * defaults). Shapes are checked here (400); the rules (known kinds, critical kinds, valid times)
 * by the domain (422).
 */
export const UpdatePreferencesBody = Type.Object(
  {
    email: Type.Optional(
      Type.Object(
        {
          address: Type.Optional(
            Type.Unsafe<string | null>({
              type: ['string', 'null'],
              format: 'email',
              maxLength: 254,
              description:
                "Send the organisation's emails here instead of its directory contact email; null: use the directory's",
            }),
          ),
          kinds: Type.Optional(
            Type.Record(Type.String({ maxLength: 64 }), Type.Boolean(), {
              description: 'Email on (true) or off (false) per event kind, e.g. {"referral.accepted": false}',
            }),
          ),
          digest: Type.Optional(
            Type.Unsafe<'off' | 'daily'>({
              type: 'string',
              enum: ['off', 'daily'],
              description:
                "'daily': one email a day listing new, waiting and overdue referrals instead of one per new referral or reminder",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    patientSms: Type.Optional(
      Type.Object({ quietHours: Type.Optional(QuietHours) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export type UpdatePreferencesBody = Static<typeof UpdatePreferencesBody>;

export const updatePreferencesBody = schemaValidator(UpdatePreferencesBody);
