import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { traceContext } from '@sp/observability';
import type { Logger } from 'pino';
import { requestTraceContext } from './correlation.middleware';
import { PROBLEM_CONTENT_TYPE, toProblem, type ProblemDocument } from './problem-details';

/** Path of the request without its query string (which may carry personal data). */
export function requestPath(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Writes a problem document; extension members (RFC 9457 section 3.2) may be added by the caller. */
export function sendProblem<D extends ProblemDocument>(res: ServerResponse, doc: D): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (doc.status === 401 && !res.hasHeader('WWW-Authenticate')) {
    res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  }
  const body = JSON.stringify(doc);
  res.statusCode = doc.status;
  res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * The global HTTP exception filter: every error becomes `application/problem+json`. A controller
 * that must answer in another format (FHIR OperationOutcome, OAuth errors) puts its own filter on
 * itself with @UseFilters; Nest tries that one first. In other contexts (the Kafka consumer, which
 * inherits the app's filters) the original error is handed back untouched, so the transport's
 * retry/dead-letter policy sees its code and `retriable` flag instead of Nest's generic RPC error.
 */
/**
 * Renders the errors of a family of routes in another format than problem+json, e.g. a FHIR
 * OperationOutcome under `/fhir`. It receives the problem document (status, code, detail, field
 * problems) after the filter has mapped and logged the error, so both formats always agree; it
 * covers errors raised before any controller runs too (body parsing, auth guard, unknown route).
 * A service provides its renderers under the ERROR_RENDERERS token (an array).
 */
export interface ErrorRenderer {
  /** True when this renderer answers for the request path (no query string). */
  handles(path: string): boolean;
  /** Writes the whole response (status, headers, body). */
  render(res: ServerResponse, problem: ProblemDocument): void;
}

/** Injection token: ErrorRenderer[] a service provides for routes not rendered as problem+json. */
export const ERROR_RENDERERS = Symbol.for('sp.service-kit.error-renderers');

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly renderers: readonly ErrorRenderer[] = [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    const ctx = traceContext.current() ?? requestTraceContext(req);
    const problem = toProblem(exception, { instance: requestPath(req), correlationId: ctx?.correlationId });

    const log = () => {
      if (problem.unexpected)
        this.logger.error({ err: exception, code: problem.document.code }, 'request failed');
      else
        this.logger.debug(
          { code: problem.document.code, status: problem.document.status },
          problem.document.detail,
        );
    };
    if (ctx && traceContext.current() === undefined) traceContext.run(ctx, log);
    else log();
    const renderer = this.renderers.find((r) => r.handles(problem.document.instance));
    if (!renderer) {
      sendProblem(res, problem.document);
    } else if (res.headersSent) {
      res.end();
    } else {
      if (problem.document.status === 401 && !res.hasHeader('WWW-Authenticate')) {
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      }
      renderer.render(res, problem.document);
    }
  }
}
