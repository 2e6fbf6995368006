import type { IncomingMessage, ServerResponse } from 'node:http';
import { newCorrelationId, newTraceparent, traceContext, type TraceContext } from '@sp/observability';

export const CORRELATION_HEADER = 'x-correlation-id';
export const TRACEPARENT_HEADER = 'traceparent';
const VALID_CORRELATION_ID = /^[A-Za-z0-9._-]{1,128}$/;

export type Next = (err?: unknown) => void;

// The context is also kept on the request: body parsing finishes in stream callbacks that may run
// outside the async context the middleware opened, so later middleware re-enters it from here.
const contexts = new WeakMap<IncomingMessage, TraceContext>();

export function requestTraceContext(req: IncomingMessage): TraceContext | undefined {
  return contexts.get(req);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Gives every request a correlation id (the caller's `x-correlation-id` when it is a sane token,
 * otherwise a new UUID) and a traceparent continuing the caller's trace, echoes both in the response,
 * and runs the rest of the request inside `traceContext` so logs and published events carry them.
 */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: Next): void {
  const incoming = header(req, CORRELATION_HEADER);
  const correlationId =
    incoming !== undefined && VALID_CORRELATION_ID.test(incoming) ? incoming : newCorrelationId();
  const traceparent = newTraceparent(header(req, TRACEPARENT_HEADER));
  const ctx: TraceContext = { correlationId, traceparent };
  contexts.set(req, ctx);
  res.setHeader(CORRELATION_HEADER, correlationId);
  res.setHeader(TRACEPARENT_HEADER, traceparent);
  traceContext.run(ctx, () => next());
}

/** Re-enters the request's trace context (after body parsing); also passes errors through. */
export function reenterTraceContext(req: IncomingMessage, _res: ServerResponse, next: Next): void {
  const ctx = contexts.get(req);
  if (ctx) traceContext.run(ctx, () => next());
  else next();
}

export function reenterTraceContextOnError(
  err: unknown,
  req: IncomingMessage,
  _res: ServerResponse,
  next: Next,
): void {
  const ctx = contexts.get(req);
  if (ctx) traceContext.run(ctx, () => next(err));
  else next(err);
}
