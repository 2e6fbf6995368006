export { DomainError, isDomainError } from './domain-error';
export type { DomainErrorOptions, FieldProblem } from './domain-error';
export { ValidationError } from './validation-error';
export type { ValidationErrorOptions } from './validation-error';
export { ErrorCodes, defaultStatusForCode } from './error-codes';
export type { PlatformErrorCode } from './error-codes';
