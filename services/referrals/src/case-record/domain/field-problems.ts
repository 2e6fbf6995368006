import type { FieldProblem } from '@sp/errors';

/**
 * The shape problems of a request and the rule problems of its well-formed fields, in one list:
 * a rule problem is dropped when its field (or a parent of it) already has a shape problem, so
 * each field is named once and a client can fix everything in one go. Pure.
 */
export function withRuleProblems(shape: FieldProblem[], rules: FieldProblem[]): FieldProblem[] {
  const named = shape.map((p) => p.field);
  const covered = (field: string) => named.some((n) => field === n || field.startsWith(`${n}.`));
  return [...shape, ...rules.filter((p) => !covered(p.field))];
}

/** A date-time string the rules can read (else undefined: its shape problem names it). */
export function readableDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}
