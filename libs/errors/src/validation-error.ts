import { DomainError, type FieldProblem } from './domain-error';
import { ErrorCodes } from './error-codes';

export interface ValidationErrorOptions {
  message?: string;
  /** 400 (malformed request, the default) or 422 (well-formed but semantically invalid). */
  status?: 400 | 422;
  cause?: unknown;
}

/** Input failed validation: always carries the list of problems, never retriable. */
export class ValidationError extends DomainError {
  constructor(problems: FieldProblem[], opts?: ValidationErrorOptions);
  constructor(message: string, problems: FieldProblem[], opts?: Omit<ValidationErrorOptions, 'message'>);
  constructor(
    first: string | FieldProblem[],
    second?: FieldProblem[] | ValidationErrorOptions,
    third?: Omit<ValidationErrorOptions, 'message'>,
  ) {
    const problems = typeof first === 'string' ? (second as FieldProblem[]) : first;
    const opts: ValidationErrorOptions =
      typeof first === 'string' ? { ...third, message: first } : ((second as ValidationErrorOptions) ?? {});
    super(ErrorCodes.VALIDATION_FAILED, opts.message ?? summarise(problems), {
      status: opts.status ?? 400,
      problems,
      retriable: false,
      cause: opts.cause,
    });
  }
}

function summarise(problems: FieldProblem[]): string {
  if (problems.length === 0) return 'Validation failed';
  return `Validation failed: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`;
}
