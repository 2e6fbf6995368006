import type { FieldProblem } from '@sp/errors';

/**
 * Two lists of problems of one request in one: a problem of `more` is dropped when its field (or a
 * parent of it) is already named in `first`, so each field is named once and a client can fix
 * everything in one go. Pure.
 */
export function mergeProblems(first: FieldProblem[], more: FieldProblem[]): FieldProblem[] {
  const named = first.map((p) => p.field);
  const covered = (field: string) => named.some((n) => field === n || field.startsWith(`${n}.`));
  return [...first, ...more.filter((p) => !covered(p.field))];
}

/**
 * A `blank` problem for each free-text field (by its dotted path) holding only white space:
 * such a text says nothing and is a malformed body, like an empty one. Pure.
 */
export function blankTextProblems(texts: Record<string, unknown>): FieldProblem[] {
  return Object.entries(texts)
    .filter(([, value]) => typeof value === 'string' && value.length > 0 && value.trim() === '')
    .map(([field]) => ({ field, code: 'blank', message: `${field} must not be blank` }));
}
