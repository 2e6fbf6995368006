import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError } from '@sp/errors';

/** RFC 6749 section 5.2 error codes for our stable OAUTH.* codes. */
const RFC6749_ERRORS: Record<string, string> = {
  'OAUTH.INVALID_REQUEST': 'invalid_request',
  'OAUTH.INVALID_CLIENT': 'invalid_client',
  'OAUTH.UNSUPPORTED_GRANT_TYPE': 'unsupported_grant_type',
  'OAUTH.INVALID_SCOPE': 'invalid_scope',
};

/**
 * Token endpoint errors are problem documents that also carry the RFC 6749 `error` and
 * `error_description` members, so both OAuth client libraries and our own clients understand them.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const known = isDomainError(exception) && RFC6749_ERRORS[exception.code] !== undefined;
    const code = known && isDomainError(exception) ? exception.code : 'OAUTH.SERVER_ERROR';
    const status = known && isDomainError(exception) ? exception.status : 500;
    const detail = known && isDomainError(exception) ? exception.message : 'The token could not be issued';
    if (status === 401) response.setHeader('WWW-Authenticate', 'Basic realm="oauth", charset="UTF-8"');
    response.setHeader('Cache-Control', 'no-store');
    response
      .status(status)
      .type('application/problem+json')
      .send({
        type: `https://social-prescribing.example/problems/${code.toLowerCase().replace(/\./g, '-')}`,
        title: detail,
        status,
        detail,
        code,
        error: RFC6749_ERRORS[code] ?? 'server_error',
        error_description: detail,
        ...(isDomainError(exception) && exception.problems.length > 0 ? { errors: exception.problems } : {}),
        instance: request.path,
      });
  }
}
