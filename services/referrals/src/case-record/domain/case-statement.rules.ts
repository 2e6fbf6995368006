import type { FieldProblem } from '@sp/errors';
import { TEXT_LIMITS } from '../case-record.errors';
import { isInFuture } from './case-dates';

/**
 * "What matters to me" and concerns (PRSB Social Prescribing Information Standard): statements
 * the person and their worker agreed, in the person's words, with when they were recorded. One
 * model for both kinds; each kind has its own statuses. Pure.
 */
export const STATEMENT_KINDS = ['what-matters', 'concern'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export const STATEMENT_STATUSES = {
  'what-matters': ['active', 'achieved', 'no-longer-relevant'],
  concern: ['active', 'resolved', 'no-longer-relevant'],
} as const satisfies Record<StatementKind, readonly string[]>;
export type StatementStatus = (typeof STATEMENT_STATUSES)[StatementKind][number];

const LIMIT: Record<StatementKind, number> = {
  'what-matters': TEXT_LIMITS.whatMatters,
  concern: TEXT_LIMITS.concern,
};

export interface StatementInput {
  text?: string;
  recordedAt?: Date;
  status?: string;
}

/** The fields the rules read, from a body whose shape may be wrong (others left out). */
export function statementInput(text: unknown, recordedAt: Date | undefined, status: unknown): StatementInput {
  return {
    ...(typeof text === 'string' ? { text } : {}),
    ...(recordedAt ? { recordedAt } : {}),
    ...(typeof status === 'string' ? { status } : {}),
  };
}

/** Every problem with a statement's fields as given (a new one or a change), each naming its field. */
export function statementProblems(kind: StatementKind, input: StatementInput, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.text !== undefined) {
    if (input.text.trim() === '')
      problems.push({ field: 'text', code: 'blank', message: 'text must not be blank' });
    else if (input.text.length > LIMIT[kind])
      problems.push({
        field: 'text',
        code: 'too_long',
        message: `text must be at most ${LIMIT[kind]} characters`,
      });
  }
  if (input.recordedAt !== undefined && isInFuture(input.recordedAt, now))
    problems.push({
      field: 'recordedAt',
      code: 'in_future',
      message: 'recordedAt must not be in the future',
    });
  if (input.status !== undefined && !(STATEMENT_STATUSES[kind] as readonly string[]).includes(input.status))
    problems.push({
      field: 'status',
      code: 'not_allowed',
      message: `status must be one of: ${STATEMENT_STATUSES[kind].join(', ')}`,
    });
  return problems;
}

/** FHIR Goal.lifecycleStatus of a what-matters statement. */
export function goalLifecycleStatus(status: StatementStatus): 'active' | 'completed' | 'cancelled' {
  if (status === 'achieved' || status === 'resolved') return 'completed';
  if (status === 'no-longer-relevant') return 'cancelled';
  return 'active';
}
