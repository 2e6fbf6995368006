import { DomainError, ErrorCodes, type FieldProblem } from '@sp/errors';

export type ContractViolationCode =
  typeof ErrorCodes.CONTRACT_INVALID_EVENT | typeof ErrorCodes.CONTRACT_UNKNOWN_TYPE;

/**
 * An event broke its contract (or names no known contract). Never retriable: the same bytes
 * will fail the same way, so consumers dead-letter it at once instead of blocking the partition.
 */
export class ContractViolationError extends DomainError {
  constructor(code: ContractViolationCode, message: string, problems: FieldProblem[] = [], cause?: unknown) {
    const detail =
      problems.length > 0
        ? `${message}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`
        : message;
    super(code, detail, { problems, retriable: false, cause });
  }
}
