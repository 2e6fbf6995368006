import { Type, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import {
  STATEMENT_STATUSES,
  STATEMENT_TEXT_LIMITS,
  type StatementKind,
  type StatementStatus,
} from '../domain/case-statement.rules';
import { blankTextProblems, mergeProblems } from '../domain/field-problems';

const fieldsOf = (kind: StatementKind) => ({
  text: Type.String({ minLength: 1, maxLength: STATEMENT_TEXT_LIMITS[kind] }),
  recordedAt: Type.String({ format: 'date-time' }),
  status: StringEnum(STATEMENT_STATUSES[kind]),
});

/**
 * Body of POST /v1/referrals/{id}/what-matters and /concerns: the text as agreed with the person
 * (stored as given), when it was agreed (default now), its status of the kind (default active).
 */
const newStatementSchema = (kind: StatementKind) => {
  const f = fieldsOf(kind);
  return Type.Object(
    { text: f.text, recordedAt: Type.Optional(f.recordedAt), status: Type.Optional(f.status) },
    { additionalProperties: false },
  );
};

/** Body of PATCH .../what-matters/{entryId} and .../concerns/{entryId}: correct it or change its status. */
const statementChangeSchema = (kind: StatementKind) => {
  const f = fieldsOf(kind);
  return Type.Object(
    {
      text: Type.Optional(f.text),
      recordedAt: Type.Optional(f.recordedAt),
      status: Type.Optional(f.status),
    },
    { additionalProperties: false, minProperties: 1 },
  );
};

export const NEW_STATEMENT_SCHEMAS = {
  'what-matters': newStatementSchema('what-matters'),
  concern: newStatementSchema('concern'),
} satisfies Record<StatementKind, TSchema>;
export const STATEMENT_CHANGE_SCHEMAS = {
  'what-matters': statementChangeSchema('what-matters'),
  concern: statementChangeSchema('concern'),
} satisfies Record<StatementKind, TSchema>;

/** A well-formed new statement (the status narrowed to the kind's by the schema). */
export interface NewStatementRequest {
  text: string;
  recordedAt?: string;
  status?: StatementStatus;
}
/** A well-formed change (at least one field). */
export type StatementChangeRequest = Partial<NewStatementRequest>;

const newValidators = {
  'what-matters': schemaValidator(NEW_STATEMENT_SCHEMAS['what-matters']),
  concern: schemaValidator(NEW_STATEMENT_SCHEMAS.concern),
};
const changeValidators = {
  'what-matters': schemaValidator(STATEMENT_CHANGE_SCHEMAS['what-matters']),
  concern: schemaValidator(STATEMENT_CHANGE_SCHEMAS.concern),
};

function shapeProblems(schemaProblems: FieldProblem[], body: unknown): FieldProblem[] {
  const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  return mergeProblems(schemaProblems, blankTextProblems({ text }));
}

function parsed<T>(problems: FieldProblem[], body: unknown): T {
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
  return body as T;
}

/** The body of a new statement of `kind`, or a 400 VALIDATION.FAILED naming every malformed field. */
export function parseNewStatement(kind: StatementKind, body: unknown): NewStatementRequest {
  const value = body ?? {};
  return parsed(shapeProblems(newValidators[kind].problems(value), value), value);
}

/** The body of a change of a statement of `kind`, or a 400 naming every malformed field. */
export function parseStatementChange(kind: StatementKind, body: unknown): StatementChangeRequest {
  const value = body ?? {};
  return parsed(shapeProblems(changeValidators[kind].problems(value), value), value);
}
