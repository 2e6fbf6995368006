import { defaultStatusForCode } from './error-codes';

/** One thing wrong with one input field; `field` is a dotted path such as `data.needs[0]`. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export interface DomainErrorOptions {
  /** HTTP status hint; defaults from the code (see defaultStatusForCode). */
  status?: number;
  problems?: FieldProblem[];
  /**
   * Consumer policy: true => worth retrying with backoff (a transient condition);
   * false (default) => dead-letter at once. Domain errors are deterministic outcomes of the input,
   * so retrying them only delays the dead letter; transient infrastructure failures are usually
   * plain errors, which consumers retry.
   */
  retriable?: boolean;
  cause?: unknown;
}

/**
 * An expected failure with a stable string code. Thrown by use cases, mapped at the edges
 * (HTTP problem+json, FHIR OperationOutcome, consumer retry/dead-letter policy).
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problems: FieldProblem[];
  readonly retriable: boolean;

  constructor(code: string, message: string, opts: DomainErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status ?? defaultStatusForCode(code);
    this.problems = opts.problems ? [...opts.problems] : [];
    this.retriable = opts.retriable ?? false;
  }

  toJSON(): {
    name: string;
    code: string;
    message: string;
    status: number;
    problems: FieldProblem[];
    retriable: boolean;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      problems: this.problems,
      retriable: this.retriable,
    };
  }
}

/**
 * Duck-typed check: `instanceof` fails when two copies of this library are loaded, or when an
 * error was rebuilt from JSON. A `code` alone is not enough, because Node system errors carry
 * one too (`ECONNREFUSED`), and those must stay retriable plain errors.
 */
export function isDomainError(e: unknown): e is DomainError {
  if (e instanceof DomainError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const candidate = e as Record<string, unknown>;
  return (
    typeof candidate.code === 'string' &&
    typeof candidate.message === 'string' &&
    typeof candidate.status === 'number' &&
    typeof candidate.retriable === 'boolean' &&
    Array.isArray(candidate.problems)
  );
}
