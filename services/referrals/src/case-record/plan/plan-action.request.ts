import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { TEXT_LIMITS } from '../case-record.errors';
import { blankTextProblems, mergeProblems } from '../domain/field-problems';
import { ACTION_STATUSES, OWNER_DISPLAY_LIMIT, OWNER_KINDS } from '../domain/support-plan.rules';

const Status = StringEnum(ACTION_STATUSES);
const DueDate = Type.String({ format: 'date' });
const Description = Type.String({ minLength: 1, maxLength: TEXT_LIMITS.actionText });

/** Body of POST /v1/referrals/{id}/plan/actions. */
export const NewActionSchema = Type.Object(
  {
    description: Description,
    owner: Type.Object(
      {
        kind: StringEnum(OWNER_KINDS),
        sub: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        organisationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        display: Type.Optional(Type.String({ minLength: 1, maxLength: OWNER_DISPLAY_LIMIT })),
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
    description: Type.Optional(Description),
    dueDate: Type.Optional(DueDate),
    status: Type.Optional(Status),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ActionChangeRequest = Static<typeof ActionChangeSchema>;

const newAction = schemaValidator(NewActionSchema);
const actionChange = schemaValidator(ActionChangeSchema);

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

function parsed<T>(problems: FieldProblem[], body: unknown): T {
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
  return body as T;
}

/** The body of a new action, or a 400 VALIDATION.FAILED naming every malformed field. */
export function parseNewAction(body: unknown): NewActionRequest {
  const value = body ?? {};
  const blank = blankTextProblems({
    description: field(value, 'description'),
    'owner.display': field(field(value, 'owner'), 'display'),
  });
  return parsed(mergeProblems(newAction.problems(value), blank), value);
}

/** The body of a change of an action, or a 400 naming every malformed field. */
export function parseActionChange(body: unknown): ActionChangeRequest {
  const value = body ?? {};
  const blank = blankTextProblems({ description: field(value, 'description') });
  return parsed(mergeProblems(actionChange.problems(value), blank), value);
}
