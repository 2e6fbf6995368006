import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Request, Response } from 'express';
import { isDomainError } from '@sp/errors';
import { traceContext } from '@sp/observability';
import { requestPath, SERVICE_LOGGER, sendProblem, toProblem } from '@sp/service-kit';

/** RFC 6749 section 5.2 error codes for our stable OAUTH.* codes. */
const RFC6749_ERRORS: Record<string, string> = {
  'OAUTH.INVALID_REQUEST': 'invalid_request',
  'OAUTH.INVALID_CLIENT': 'invalid_client',
  'OAUTH.UNSUPPORTED_GRANT_TYPE': 'unsupported_grant_type',
  'OAUTH.INVALID_SCOPE': 'invalid_scope',
};

/**
 * Token endpoint errors are the platform's problem documents plus the RFC 6749 `error` and
 * `error_description` members, so both OAuth client libraries and our own clients understand them.
 * Client authentication failures challenge with Basic (RFC 6749 5.2), not Bearer.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const correlationId = traceContext.current()?.correlationId;
    const { document, unexpected } = toProblem(exception, {
      instance: requestPath(http.getRequest<Request>()),
      ...(correlationId ? { correlationId } : {}),
    });
    if (unexpected) this.logger.error({ err: exception }, 'token request failed unexpectedly');
    const error = isDomainError(exception)
      ? (RFC6749_ERRORS[exception.code] ?? 'server_error')
      : 'server_error';
    if (document.status === 401)
      response.setHeader('WWW-Authenticate', 'Basic realm="oauth", charset="UTF-8"');
    response.setHeader('Cache-Control', 'no-store');
    sendProblem(response, { ...document, error, error_description: document.detail });
  }
}
