import type { IncomingMessage, ServerResponse } from 'node:http';
import { counter, histogram, traceContext } from '@sp/observability';
import type { Logger } from 'pino';
import { requestTraceContext, type Next } from './correlation.middleware';
import { requestPath } from './problem-details.filter';

type RoutedRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: unknown } };

/** Scrapes and probes would drown the access log; they are logged at debug. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The route template ('/referrals/:id'), never the raw path: one time series per endpoint, not per
 * referral id. Requests that matched no route share one label.
 */
export function routeLabel(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/** One access-log line and the HTTP RED metrics for every request, written when the response is finished. */
export function requestTelemetryMiddleware(
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const requests = counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
  });
  const duration = histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routed = req as RoutedRequest;
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route: routeLabel(routed),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, seconds);

      const path = requestPath(routed);
      const line = {
        method: labels.method,
        path,
        route: labels.route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
      };
      const write = () => {
        if (QUIET_PATHS.has(path)) logger.debug(line, 'request completed');
        else if (res.statusCode >= 500) logger.warn(line, 'request completed');
        else logger.info(line, 'request completed');
      };
      // 'finish' fires from socket callbacks, outside the request's async context.
      const ctx = requestTraceContext(req);
      if (ctx) traceContext.run(ctx, write);
      else write();
    });
    next();
  };
}
