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

/** Longest text of each kind (stored as given). */
export const STATEMENT_TEXT_LIMITS: Record<StatementKind, number> = {
  'what-matters': TEXT_LIMITS.whatMatters,
  concern: TEXT_LIMITS.concern,
};

/**
 * The rule problems of a well-formed statement (a new one or a change): when it was agreed may
 * not be in the future. Its shape (text length, the statuses of its kind) is the request's.
 */
export function statementProblems(input: { recordedAt?: Date }, now: Date): FieldProblem[] {
  return input.recordedAt !== undefined && isInFuture(input.recordedAt, now)
    ? [{ field: 'recordedAt', code: 'in_future', message: 'recordedAt must not be in the future' }]
    : [];
}

/** FHIR Goal.lifecycleStatus of a what-matters statement. */
export function goalLifecycleStatus(status: StatementStatus): 'active' | 'completed' | 'cancelled' {
  if (status === 'achieved' || status === 'resolved') return 'completed';
  if (status === 'no-longer-relevant') return 'cancelled';
  return 'active';
}
