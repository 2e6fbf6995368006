import type { ServerResponse } from 'node:http';
import { sendProblem, type ErrorRenderer, type ProblemDocument } from '@sp/service-kit';
import { DASHBOARD_CSP, errorHtml } from '../domain/dashboard-page';

/** True when the Accept header prefers JSON (application/json or a +json type) to HTML. */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1 };
  });
  const best = (match: (t: string) => boolean) =>
    Math.max(0, ...types.filter((t) => match(t.type)).map((t) => t.q));
  const json = best((t) => t === 'application/json' || t.endsWith('+json'));
  const html = best((t) => t === 'text/html' || t === 'text/*' || t === '*/*');
  return json > 0 && json >= html;
}

/**
 * Errors under /dashboard (no token 401, no scope 403, bad period 400) as an HTML page with the
 * problem's title, detail and each problem; problem+json when the caller's Accept asks for JSON.
 */
export const dashboardErrorRenderer: ErrorRenderer = {
  handles: (path) => path === '/dashboard' || path.startsWith('/dashboard/'),
  render(res: ServerResponse, problem: ProblemDocument): void {
    const accept = res.req?.headers.accept;
    if (wantsJson(accept)) {
      sendProblem(res, problem);
      return;
    }
    const body = errorHtml(problem);
    res.statusCode = problem.status;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  },
};
