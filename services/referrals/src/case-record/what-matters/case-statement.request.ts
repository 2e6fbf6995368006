import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '@sp/contracts';
import type { FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { STATEMENT_STATUSES } from '../domain/case-statement.rules';

const Status = StringEnum([
  ...new Set([...STATEMENT_STATUSES['what-matters'], ...STATEMENT_STATUSES.concern]),
]);

/**
 * Body of POST /v1/referrals/{id}/what-matters and /concerns: the text as agreed with the person
 * (stored as given), when it was agreed (default now), its status (default active).
 */
export const NewStatementSchema = Type.Object(
  {
    text: Type.String({ minLength: 1 }),
    recordedAt: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
export type NewStatementRequest = Static<typeof NewStatementSchema>;

/** Body of PATCH .../what-matters/{entryId} and .../concerns/{entryId}: correct it or change its status. */
export const StatementChangeSchema = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1 })),
    recordedAt: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.Optional(Status),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type StatementChangeRequest = Static<typeof StatementChangeSchema>;

const newStatement = schemaValidator(NewStatementSchema);
const statementChange = schemaValidator(StatementChangeSchema);

export function newStatementProblems(body: unknown): FieldProblem[] {
  return newStatement.problems(body ?? {});
}

export function statementChangeProblems(body: unknown): FieldProblem[] {
  return statementChange.problems(body ?? {});
}
