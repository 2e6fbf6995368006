import { DomainError, type FieldProblem } from '@sp/errors';

/** Configuration is invalid: the process must not start. The message lists every bad variable. */
export class ConfigError extends DomainError {
  constructor(problems: FieldProblem[]) {
    super(
      'CONFIG.INVALID',
      ['Invalid configuration:', ...problems.map((p) => `  - ${p.field}: ${p.message}`)].join('\n'),
      {
        status: 500,
        problems,
        retriable: false,
      },
    );
  }
}
