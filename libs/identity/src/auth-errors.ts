import { errors } from 'jose';
import { DomainError, ErrorCodes, isDomainError } from '@sp/errors';

/** AUTH.UNAUTHENTICATED (401) with a message that says what is wrong, never echoing the token. */
export function unauthenticated(message: string, cause?: unknown): DomainError {
  return new DomainError(ErrorCodes.AUTH_UNAUTHENTICATED, message, { status: 401, cause });
}

/**
 * Turns jose's errors into a 401 whose message says what kind of problem the token has (so a
 * client can tell "get a new token" from "you are talking to the wrong API") without echoing
 * token contents, keys or stack details.
 */
export function toAuthError(err: unknown): DomainError {
  if (isDomainError(err)) return err;
  if (err instanceof errors.JWTExpired) return unauthenticated('Access token has expired', err);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return unauthenticated('Access token is missing required claims', err);
    switch (err.claim) {
      case 'aud':
        return unauthenticated('Access token was not issued for this audience', err);
      case 'iss':
        return unauthenticated('Access token was not issued by a trusted issuer', err);
      case 'nbf':
      case 'iat':
        return unauthenticated('Access token is not valid yet', err);
      case 'typ':
        return unauthenticated('Token is not an access token', err);
      default:
        return unauthenticated('Access token is missing required claims', err);
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return unauthenticated('Access token uses an algorithm that is not accepted', err);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated('Access token signature is invalid', err);
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return unauthenticated('Access token is malformed', err);
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return unauthenticated('Access token could not be verified right now', err);
  }
  return unauthenticated('Access token could not be verified', err);
}
