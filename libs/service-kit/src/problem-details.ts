import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { ErrorCodes, isDomainError, type FieldProblem } from '@sp/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://social-prescribing.example/problems/';

/** RFC 9457 problem document, plus our stable `code`, field `errors` and the `correlationId` to quote. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
  correlationId?: string;
  instance: string;
}

export interface ProblemContext {
  /** The request path (no query string: it may carry personal data). */
  instance: string;
  correlationId?: string;
}

export interface Problem {
  document: ProblemDocument;
  /** True when the error was not one we expected: log it with its stack, never show it. */
  unexpected: boolean;
}

/** 'REQUEST.MALFORMED_JSON' -> 'https://social-prescribing.example/problems/request-malformed_json'. */
export function problemTypeUri(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/\./g, '-');
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: ErrorCodes.AUTH_UNAUTHENTICATED,
  403: ErrorCodes.AUTH_FORBIDDEN,
  404: 'REQUEST.NOT_FOUND',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  406: 'REQUEST.NOT_ACCEPTABLE',
  408: 'REQUEST.TIMEOUT',
  409: 'REQUEST.CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: ErrorCodes.VALIDATION_FAILED,
  429: 'REQUEST.RATE_LIMITED',
  503: 'SERVICE.UNAVAILABLE',
};

/** The code for an HTTP error that carried none of its own. */
export function codeForStatus(status: number): string {
  return CODE_FOR_STATUS[status] ?? (status >= 500 ? ErrorCodes.INTERNAL : `REQUEST.HTTP_${status}`);
}

const INTERNAL_DETAIL = 'An unexpected error occurred. Quote the correlation id if you report it.';

function validStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599;
}

function document(
  status: number,
  code: string,
  detail: string,
  ctx: ProblemContext,
  errors?: FieldProblem[],
): ProblemDocument {
  return {
    type: problemTypeUri(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    instance: ctx.instance,
  };
}

function httpExceptionDetail(err: HttpException): string {
  const response = err.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  return err.message;
}

/** http-errors style error (body-parser, raw-body): numeric status and `expose` marking a client-safe message. */
function exposedHttpError(err: unknown): { status: number; message: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = e.status ?? e.statusCode;
  if (!validStatus(status) || status >= 500 || e.expose !== true) return undefined;
  return { status, message: typeof e.message === 'string' ? e.message : (STATUS_CODES[status] ?? 'Error') };
}

/**
 * Maps anything thrown while handling a request to a problem document:
 * DomainError -> its status, code, message and field problems; Nest HttpException -> its status and
 * a code for that status; client errors from body parsing -> their status; anything else -> 500
 * INTERNAL with a generic detail (the error is logged, never shown).
 */
export function toProblem(err: unknown, ctx: ProblemContext): Problem {
  if (isDomainError(err)) {
    const status = validStatus(err.status) ? err.status : 500;
    return {
      document: document(status, err.code, err.message, ctx, err.problems),
      unexpected: status >= 500,
    };
  }
  if (err instanceof HttpException) {
    const status = validStatus(err.getStatus()) ? err.getStatus() : 500;
    if (status >= 500)
      return { document: document(status, codeForStatus(status), INTERNAL_DETAIL, ctx), unexpected: true };
    return {
      document: document(status, codeForStatus(status), httpExceptionDetail(err), ctx),
      unexpected: false,
    };
  }
  const exposed = exposedHttpError(err);
  if (exposed)
    return {
      document: document(exposed.status, codeForStatus(exposed.status), exposed.message, ctx),
      unexpected: false,
    };
  return { document: document(500, ErrorCodes.INTERNAL, INTERNAL_DETAIL, ctx), unexpected: true };
}
