import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '@sp/contracts';
import { schemaValidator } from '@sp/validation';
import { ACTION_STATUSES, OWNER_KINDS } from '../domain/support-plan.rules';

const Status = StringEnum(ACTION_STATUSES);
const DueDate = Type.String({ format: 'date' });

/** Body of POST /v1/referrals/{id}/plan/actions. */
export const NewActionSchema = Type.Object(
  {
    description: Type.String({ minLength: 1 }),
    owner: Type.Object(
      {
        kind: StringEnum(OWNER_KINDS),
        sub: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        organisationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        display: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    dueDate: DueDate,
    status: Status,
    onwardReferralId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type NewActionRequest = Static<typeof NewActionSchema>;

/** Body of PATCH /v1/referrals/{id}/plan/actions/{actionId}. */
export const ActionChangeSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ minLength: 1 })),
    dueDate: Type.Optional(DueDate),
    status: Type.Optional(Status),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ActionChangeRequest = Static<typeof ActionChangeSchema>;

export const newActionRequest = schemaValidator(NewActionSchema);
export const actionChangeRequest = schemaValidator(ActionChangeSchema);
