import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DomainError } from '@sp/errors';
import type { Next } from './correlation.middleware';

/** body-parser error types -> our codes. Everything else passes through unchanged. */
const BODY_ERRORS: Record<string, { code: string; status: number; message: string }> = {
  'entity.parse.failed': {
    code: 'REQUEST.MALFORMED_JSON',
    status: 400,
    message: 'The request body is not valid JSON',
  },
  'entity.too.large': { code: 'REQUEST.TOO_LARGE', status: 413, message: 'The request body is too large' },
  'encoding.unsupported': {
    code: 'REQUEST.UNSUPPORTED_ENCODING',
    status: 415,
    message: 'The request body encoding is not supported',
  },
  'charset.unsupported': {
    code: 'REQUEST.UNSUPPORTED_CHARSET',
    status: 415,
    message: 'The request body charset is not supported',
  },
  'request.aborted': {
    code: 'REQUEST.ABORTED',
    status: 400,
    message: 'The request was aborted while its body was read',
  },
  'request.size.invalid': {
    code: 'REQUEST.INVALID',
    status: 400,
    message: 'The request body length does not match Content-Length',
  },
  'parameters.too.many': {
    code: 'REQUEST.TOO_LARGE',
    status: 413,
    message: 'The request body has too many parameters',
  },
};

export function bodyParserErrorToDomainError(err: unknown): unknown {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (!known) return err;
  const limit = (err as { limit?: unknown }).limit;
  const message =
    type === 'entity.too.large' && typeof limit === 'number'
      ? `${known.message} (limit ${limit} bytes)`
      : known.message;
  return new DomainError(known.code, message, { status: known.status });
}

function mapBodyErrors(err: unknown, _req: IncomingMessage, _res: ServerResponse, next: Next): void {
  next(bodyParserErrorToDomainError(err));
}

/**
 * Media types parsed as JSON: plain JSON and the structured-syntax `+json` family
 * (`application/fhir+json`, `application/json-patch+json`, ...). Routes decide which they accept.
 */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** `application/json` or any `application/*+json`, parameters ignored (what JSON_MEDIA_TYPES matches). */
function isJsonMediaType(req: IncomingMessage): boolean {
  const header = req.headers['content-type'];
  if (typeof header !== 'string') return false;
  const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/\s]+\+json$/.test(mediaType);
}

/** 'POST /v1/directory/imports' matches that method and exact path (query string ignored). */
function isStreamedRoute(req: IncomingMessage, routes: readonly string[]): boolean {
  const path = (req.url ?? '').split('?')[0];
  return routes.includes(`${req.method ?? ''} ${path}`);
}

/**
 * JSON and form bodies with one size limit (the OAuth token endpoint takes forms). Parse failures
 * become DomainErrors here, before Nest would turn a JSON SyntaxError into an anonymous 400.
 * `streamedRoutes` ('POST /path') are left unparsed: their handlers read the request stream
 * themselves (bulk uploads larger than the limit).
 */
export function useBodyParsers(
  app: INestApplication,
  limit: string,
  streamedRoutes: readonly string[] = [],
): void {
  const express = app as NestExpressApplication;
  const type =
    streamedRoutes.length === 0
      ? JSON_MEDIA_TYPES
      : (req: IncomingMessage): boolean => isJsonMediaType(req) && !isStreamedRoute(req, streamedRoutes);
  express.useBodyParser('json', { limit, type });
  express.useBodyParser('urlencoded', { limit, extended: false });
  app.use(mapBodyErrors);
}
