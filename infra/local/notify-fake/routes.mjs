// The fake's routes: its inspection API (/_fake/...) and Notify's API v2.
import { URL } from 'node:url';
import { authenticate, rateLimit } from './auth.mjs';
import { UUID } from './config.mjs';
import { fail, readJson, send } from './http.mjs';
import {
  addTemplate,
  baseUrl,
  notificationView,
  notifications,
  rejections,
  sendNotification,
  sendReceipt,
  templates,
} from './notifications.mjs';

export async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';

  // Inspection API.
  if (path === '/_fake/requests' && method === 'GET') {
    const q = url.searchParams;
    const found = notifications.filter(
      (n) =>
        (!q.has('reference') || n.request.reference === q.get('reference')) &&
        (!q.has('type') || n.type === q.get('type')) &&
        (!q.has('template_id') || n.template.id === q.get('template_id')),
    );
    return send(res, 200, found);
  }
  if (path === '/_fake/requests' && method === 'DELETE') {
    notifications.length = 0;
    rejections.length = 0;
    return send(res, 204);
  }
  if (path === '/_fake/rejections' && method === 'GET') return send(res, 200, rejections);
  if (path === '/_fake/templates' && method === 'POST') {
    const t = await readJson(req);
    try {
      addTemplate(t ?? {});
    } catch (e) {
      return send(res, 400, { error: e.message });
    }
    return send(res, 201, templates.get(t.id.toLowerCase()));
  }
  const callback = path.match(/^\/_fake\/notifications\/([^/]+)\/callback$/);
  if (callback && method === 'POST') {
    const n = notifications.find((x) => x.id === callback[1]);
    if (!n) throw fail(404, 'NoResultFound', 'No result found');
    return send(res, 200, await sendReceipt(n, await readJson(req)));
  }
  if (path === '/_status' || path === '/_fake/health') return send(res, 200, { status: 'ok' });

  // Notify's API v2.
  const send_ = path.match(/^\/v2\/notifications\/(sms|email)$/);
  const one = path.match(/^\/v2\/notifications\/([^/]+)$/);
  if (!path.startsWith('/v2/')) throw fail(404, 'NotFound', 'Not Found');
  const key = authenticate(req);
  rateLimit(key);
  if (send_ && method === 'POST')
    return send(res, 201, sendNotification(req, send_[1], await readJson(req), key));
  if (one && method === 'GET' && !['sms', 'email', 'letter'].includes(one[1])) {
    if (!UUID.test(one[1])) throw fail(400, 'ValidationError', 'notification_id is not a valid UUID');
    const n = notifications.find((x) => x.id === one[1] && x.serviceId === key.serviceId);
    if (!n) throw fail(404, 'NoResultFound', 'No result found');
    return send(res, 200, notificationView(n));
  }
  if (path === '/v2/notifications' && method === 'GET') {
    const mine = notifications
      .filter((n) => n.serviceId === key.serviceId)
      .reverse()
      .map(notificationView);
    return send(res, 200, { notifications: mine, links: { current: `${baseUrl(req)}/v2/notifications` } });
  }
  throw fail(405, 'MethodNotAllowed', 'The method is not allowed for the requested URL.');
}
