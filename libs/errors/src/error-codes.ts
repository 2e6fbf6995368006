/**
 * Platform-wide error codes. Codes are the stable contract (they cross process boundaries in
 * problem documents and dead-letter headers); messages are for humans and may change.
 * Feature codes (e.g. 'REFERRAL.NOT_FOUND') live with their feature, not here.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION.FAILED',
  AUTH_UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  AUTH_FORBIDDEN: 'AUTH.FORBIDDEN',
  CONTRACT_INVALID_EVENT: 'CONTRACT.INVALID_EVENT',
  CONTRACT_UNKNOWN_TYPE: 'CONTRACT.UNKNOWN_TYPE',
  INTERNAL: 'INTERNAL',
} as const;

export type PlatformErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The HTTP status a code maps to when the thrower did not say. The convention lives in the code
 * itself so every edge (HTTP filter, FHIR OperationOutcome, consumer policy) agrees.
 */
export function defaultStatusForCode(code: string): number {
  if (code === ErrorCodes.AUTH_UNAUTHENTICATED) return 401;
  if (code === ErrorCodes.AUTH_FORBIDDEN) return 403;
  if (code === 'VALIDATION' || code.startsWith('VALIDATION.')) return 400;
  if (code.endsWith('.NOT_FOUND')) return 404;
  if (code.endsWith('.CONFLICT')) return 409;
  return 500;
}
