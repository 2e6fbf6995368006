import { DomainError, type FieldProblem } from '@sp/errors';

/** The parts of an RFC 6749 client-credentials token request we act on. */
export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/**
 * Parses a token request (RFC 6749 section 4.4). The client authenticates with HTTP Basic or with
 * client_id/client_secret in the form body (section 2.3.1), never both. Errors carry the RFC's
 * error code in `code` (OAUTH.INVALID_REQUEST, OAUTH.UNSUPPORTED_GRANT_TYPE, OAUTH.INVALID_CLIENT).
 */
export function parseTokenRequest(
  body: Record<string, unknown>,
  authorization: string | undefined,
): TokenRequest {
  const problems: FieldProblem[] = [];
  const grantType = body['grant_type'];
  if (grantType === undefined) {
    problems.push({ field: 'grant_type', code: 'required', message: 'grant_type is required' });
  } else if (grantType !== 'client_credentials') {
    throw new DomainError('OAUTH.UNSUPPORTED_GRANT_TYPE', 'Only grant_type=client_credentials is supported', {
      status: 400,
      problems: [
        {
          field: 'grant_type',
          code: 'unsupported',
          message: `grant_type "${String(grantType)}" is not supported`,
        },
      ],
      retriable: false,
    });
  }

  const basic = parseBasic(authorization);
  const formId = stringField(body, 'client_id');
  const formSecret = stringField(body, 'client_secret');
  if (basic && (formId !== undefined || formSecret !== undefined) && formSecret !== undefined) {
    problems.push({
      field: 'client_secret',
      code: 'ambiguous_authentication',
      message: 'Authenticate with HTTP Basic or with client_secret in the body, not both',
    });
  }
  const clientId = basic?.clientId ?? formId;
  const clientSecret = basic?.clientSecret ?? formSecret;
  if (!clientId) problems.push({ field: 'client_id', code: 'required', message: 'client_id is required' });
  if (!clientSecret)
    problems.push({ field: 'client_secret', code: 'required', message: 'client_secret is required' });

  const scope = stringField(body, 'scope');
  if (problems.length > 0 || !clientId || !clientSecret) {
    throw new DomainError('OAUTH.INVALID_REQUEST', 'The token request is invalid', {
      status: 400,
      problems,
      retriable: false,
    });
  }
  return scope === undefined ? { clientId, clientSecret } : { clientId, clientSecret, scope };
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parseBasic(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new DomainError('OAUTH.INVALID_CLIENT', 'Malformed HTTP Basic credentials', {
      status: 401,
      retriable: false,
    });
  }
  // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}
