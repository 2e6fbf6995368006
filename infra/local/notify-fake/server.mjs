#!/usr/bin/env node
// A local stand-in for GOV.UK Notify's public REST API v2, for development and tests: GOV.UK
// Notify cannot run here. It enforces what Notify documents (docs.notifications.service.gov.uk):
// API keys `{key_name}-{service_id}-{secret_key}`, a JWT bearer token (HS256, `iss` = service id,
// `iat` within 30 s), the request bodies of POST /v2/notifications/email and /sms, Notify's error
// body `{status_code, errors: [{error, message}]}` and its per-key rate limit (429). It sends
// nothing: every accepted message is kept for inspection, and a delivery receipt is sent to a
// callback URL only when a test or developer asks for one.
//
// Inspection API (not Notify's):
//   GET    /_fake/requests?reference=&type=&template_id=   accepted notifications (newest last)
//   DELETE /_fake/requests                                 forget them
//   GET    /_fake/rejections                               refused requests (status and errors)
//   POST   /_fake/templates   {id, name, type, body, subject?, version?}  add or replace a template
//   POST   /_fake/notifications/{id}/callback  {status, url?, bearerToken?}
//          sends Notify's delivery receipt for it (status delivered | permanent-failure |
//          temporary-failure | technical-failure) to url (default SP_NOTIFY_FAKE_CALLBACK_URL)
//          with `Authorization: Bearer <bearerToken>` (default SP_NOTIFY_FAKE_CALLBACK_TOKEN);
//          answers {status: <the callback's HTTP status>}.
//
// Environment: SP_NOTIFY_FAKE_PORT (8097), SP_NOTIFY_FAKE_HOST (127.0.0.1),
// SP_NOTIFY_FAKE_API_KEYS (comma-separated keys accepted; default the local key below),
// SP_NOTIFY_FAKE_RATE_LIMIT (requests per key per 60 s, default 3000 like Notify's live keys),
// SP_NOTIFY_FAKE_TEMPLATES (a templates JSON file; default ./templates.json),
// SP_NOTIFY_FAKE_CALLBACK_URL, SP_NOTIFY_FAKE_CALLBACK_TOKEN.
/* global fetch, AbortSignal */
import { Buffer } from 'node:buffer';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const PORT = Number(env.SP_NOTIFY_FAKE_PORT ?? 8097);
const HOST = env.SP_NOTIFY_FAKE_HOST ?? '127.0.0.1';
const LOCAL_KEY = 'sp-local-4a6d1f3e-6b8a-4c59-9c1e-2f0d7b3a5e11-b7c2e9d4-1f3a-4e8b-a6d5-9c0e2f4b7a13';
const RATE_LIMIT = Number(env.SP_NOTIFY_FAKE_RATE_LIMIT ?? 3000);
const RATE_WINDOW_MS = 60_000;
const CLOCK_SKEW_S = 30;
const CALLBACK_URL = env.SP_NOTIFY_FAKE_CALLBACK_URL ?? 'http://127.0.0.1:3003/v1/notify/callbacks';
const CALLBACK_TOKEN = env.SP_NOTIFY_FAKE_CALLBACK_TOKEN ?? 'local-notify-callback-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECEIPT_STATUSES = ['delivered', 'permanent-failure', 'temporary-failure', 'technical-failure'];

/** service id -> { serviceId, keyName, secret, keyType } */
const keys = new Map();
for (const key of (env.SP_NOTIFY_FAKE_API_KEYS ?? LOCAL_KEY)
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean)) {
  if (key.length < 74)
    throw new Error(`SP_NOTIFY_FAKE_API_KEYS: '${key.slice(0, 12)}...' is not a Notify API key`);
  const secret = key.slice(-36);
  const serviceId = key.slice(-73, -37);
  if (!UUID.test(secret) || !UUID.test(serviceId))
    throw new Error('SP_NOTIFY_FAKE_API_KEYS: service id and secret must be UUIDs');
  const list = keys.get(serviceId) ?? [];
  list.push({ serviceId, keyName: key.slice(0, -74), secret });
  keys.set(serviceId, list);
}

const templates = new Map();
const templateFile = env.SP_NOTIFY_FAKE_TEMPLATES ?? join(here, 'templates.json');
for (const t of JSON.parse(readFileSync(templateFile, 'utf8')).templates) addTemplate(t);

/** Accepted notifications in arrival order; refused requests (newest 500). */
const notifications = [];
const rejections = [];
/** secret -> timestamps (ms) of requests in the current window */
const windows = new Map();

function addTemplate(t) {
  if (!UUID.test(t.id ?? '') || !['sms', 'email'].includes(t.type) || typeof t.body !== 'string') {
    throw new Error(`template ${JSON.stringify(t.id)}: needs a UUID id, type sms|email and a body`);
  }
  templates.set(t.id.toLowerCase(), { version: 1, ...t, id: t.id.toLowerCase() });
}

class NotifyApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.message).join('; '));
    this.status = status;
    this.errors = errors;
  }
}
const fail = (status, error, message) => new NotifyApiError(status, [{ error, message }]);

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw fail(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
  }
}

const b64url = (s) => Buffer.from(s, 'base64url');

/** Notify's authentication: a JWT signed with the key's secret, iss = service id, fresh iat. */
function authenticate(req) {
  const header = req.headers.authorization;
  if (!header) throw fail(401, 'AuthError', 'Unauthorized: authentication token must be provided');
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw fail(401, 'AuthError', 'Unauthorized: authentication bearer scheme must be used');
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw fail(403, 'AuthError', 'Invalid token: signature, api token is not valid');
  let head;
  let claims;
  try {
    head = JSON.parse(b64url(parts[0]).toString('utf8'));
    claims = JSON.parse(b64url(parts[1]).toString('utf8'));
  } catch {
    throw fail(403, 'AuthError', 'Invalid token: signature, api token is not valid');
  }
  if (head.alg !== 'HS256') throw fail(403, 'AuthError', 'Invalid token: algorithm used is not HS256');
  if (!claims.iss) throw fail(403, 'AuthError', 'Invalid token: iss field not provided');
  const candidates = keys.get(String(claims.iss));
  if (!candidates) throw fail(403, 'AuthError', 'Invalid token: service not found');
  const signed = b64url(parts[2]);
  const key = candidates.find((k) => {
    const expected = createHmac('sha256', k.secret).update(`${parts[0]}.${parts[1]}`).digest();
    return expected.length === signed.length && timingSafeEqual(expected, signed);
  });
  if (!key) throw fail(403, 'AuthError', 'Invalid token: API key not found');
  if (typeof claims.iat !== 'number') throw fail(403, 'AuthError', 'Invalid token: iat field not provided');
  if (Math.abs(Date.now() / 1000 - claims.iat) > CLOCK_SKEW_S) {
    throw fail(403, 'AuthError', 'Error: Your system clock must be accurate to within 30 seconds');
  }
  return key;
}

function rateLimit(key) {
  const now = Date.now();
  const recent = (windows.get(key.secret) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
  if (recent.length >= RATE_LIMIT) {
    windows.set(key.secret, recent);
    throw fail(
      429,
      'RateLimitError',
      `Exceeded rate limit for key type live of ${RATE_LIMIT} requests per 60 seconds`,
    );
  }
  recent.push(now);
  windows.set(key.secret, recent);
}

/** UK mobile rules as Notify applies them; answers the normalised number (447...). */
function ukMobile(raw) {
  if (/[a-z]/i.test(raw) || /[^\d\s()+\-.]/.test(raw)) {
    return { error: 'Must not contain letters or symbols' };
  }
  let digits = raw.replace(/[\s()\-.]/g, '');
  const international = digits.startsWith('+') || digits.startsWith('00');
  digits = digits.replace(/^\+/, '').replace(/^00/, '');
  if (international && !digits.startsWith('44')) {
    return { international: true };
  }
  if (digits.startsWith('44')) digits = digits.slice(2);
  digits = digits.replace(/^0/, '');
  if (!digits.startsWith('7')) return { error: 'Not a UK mobile number' };
  if (digits.length > 10) return { error: 'Too many digits' };
  if (digits.length < 10) return { error: 'Not enough digits' };
  return { number: `44${digits}` };
}

const EMAIL = /^[^\s@"(),:;<>[\\\]]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i;

/** Schema validation: every problem at once, as Notify's ValidationError list. */
function validateBody(type, body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw fail(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
  }
  const to = type === 'sms' ? 'phone_number' : 'email_address';
  const optional = type === 'sms' ? ['sms_sender_id'] : ['email_reply_to_id', 'one_click_unsubscribe_url'];
  const allowed = ['template_id', to, 'personalisation', 'reference', 'scheduled_for', ...optional];
  const errors = [];
  const v = (message) => errors.push({ error: 'ValidationError', message });
  for (const field of ['template_id', to])
    if (body[field] === undefined) v(`${field} is a required property`);
  if (body.template_id !== undefined && !UUID.test(String(body.template_id)))
    v('template_id is not a valid UUID');
  if (
    body.personalisation !== undefined &&
    (typeof body.personalisation !== 'object' ||
      body.personalisation === null ||
      Array.isArray(body.personalisation))
  ) {
    v(`personalisation ${JSON.stringify(body.personalisation)} is not of type object`);
  }
  if (body.reference !== undefined && body.reference !== null && typeof body.reference !== 'string') {
    v(`reference ${JSON.stringify(body.reference)} is not of type string, null`);
  }
  for (const id of optional.filter((f) => f.endsWith('_id'))) {
    if (body[id] !== undefined && !UUID.test(String(body[id]))) v(`${id} is not a valid UUID`);
  }
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    v(
      `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length > 1 ? 'were' : 'was'} unexpected)`,
    );
  let recipient;
  if (type === 'sms' && typeof body.phone_number === 'string') {
    const phone = ukMobile(body.phone_number);
    if (phone.error) v(`phone_number ${phone.error}`);
    else if (phone.international)
      errors.push({ error: 'BadRequestError', message: 'Cannot send to international mobile numbers' });
    else recipient = `+${phone.number}`;
  } else if (type === 'sms' && body.phone_number !== undefined)
    v(`phone_number ${JSON.stringify(body.phone_number)} is not of type string`);
  if (type === 'email' && body.email_address !== undefined) {
    if (typeof body.email_address !== 'string' || !EMAIL.test(body.email_address))
      v('email_address Not a valid email address');
    else recipient = body.email_address;
  }
  if (errors.length > 0) throw new NotifyApiError(400, errors);
  return recipient;
}

function render(text, personalisation) {
  return text.replace(/\(\(([^()]+)\)\)/g, (_, name) => String(personalisation[name.trim()]));
}

function placeholders(template) {
  const text = `${template.subject ?? ''} ${template.body}`;
  return [...new Set([...text.matchAll(/\(\(([^()]+)\)\)/g)].map((m) => m[1].trim()))];
}

function baseUrl(req) {
  return `http://${req.headers.host ?? `${HOST}:${PORT}`}`;
}

function sendNotification(req, type, body, key) {
  const recipient = validateBody(type, body);
  const template = templates.get(String(body.template_id).toLowerCase());
  if (!template) throw fail(400, 'BadRequestError', 'Template not found');
  if (template.type !== type) {
    throw fail(400, 'BadRequestError', `${type} template is not suitable for ${template.type} notification`);
  }
  const personalisation = body.personalisation ?? {};
  const missing = placeholders(template).filter(
    (p) => personalisation[p] === undefined || personalisation[p] === null,
  );
  if (missing.length > 0)
    throw fail(400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
  const id = randomUUID();
  const now = new Date().toISOString().replace('Z', '000Z');
  const base = baseUrl(req);
  const content =
    type === 'sms'
      ? { body: render(template.body, personalisation), from_number: 'GOVUK' }
      : {
          body: render(template.body, personalisation),
          subject: render(template.subject ?? '', personalisation),
          from_email: 'social.prescribing@notifications.service.gov.uk',
          one_click_unsubscribe_url: body.one_click_unsubscribe_url ?? null,
        };
  const templateRef = {
    id: template.id,
    version: template.version,
    uri: `${base}/services/${key.serviceId}/templates/${template.id}`,
  };
  notifications.push({
    id,
    serviceId: key.serviceId,
    type,
    request: body,
    recipient,
    template: templateRef,
    content,
    status: 'sending',
    created_at: now,
    sent_at: now,
    completed_at: null,
  });
  return {
    id,
    reference: body.reference ?? null,
    content,
    uri: `${base}/v2/notifications/${id}`,
    template: templateRef,
    scheduled_for: null,
  };
}

function notificationView(n) {
  return {
    id: n.id,
    reference: n.request.reference ?? null,
    email_address: n.type === 'email' ? n.recipient : null,
    phone_number: n.type === 'sms' ? n.recipient : null,
    line_1: null,
    line_2: null,
    line_3: null,
    line_4: null,
    line_5: null,
    line_6: null,
    postcode: null,
    type: n.type,
    status: n.status,
    template: n.template,
    body: n.content.body,
    subject: n.content.subject ?? null,
    created_at: n.created_at,
    created_by_name: null,
    sent_at: n.sent_at,
    completed_at: n.completed_at,
    scheduled_for: null,
    one_click_unsubscribe: null,
    is_cost_data_ready: false,
    cost_in_pounds: null,
    cost_details: {},
  };
}

async function sendReceipt(n, body) {
  const status = body?.status;
  if (!RECEIPT_STATUSES.includes(status)) {
    throw fail(400, 'ValidationError', `status must be one of ${RECEIPT_STATUSES.join(', ')}`);
  }
  n.status = status;
  n.completed_at = new Date().toISOString().replace('Z', '000Z');
  const receipt = {
    id: n.id,
    reference: n.request.reference ?? null,
    to: n.recipient,
    status,
    created_at: n.created_at,
    completed_at: n.completed_at,
    sent_at: n.sent_at,
    notification_type: n.type,
    template_id: n.template.id,
    template_version: n.template.version,
  };
  const response = await fetch(body.url ?? CALLBACK_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${body.bearerToken ?? CALLBACK_TOKEN}`,
    },
    body: JSON.stringify(receipt),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status };
}

async function handle(req, res) {
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

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (error instanceof NotifyApiError) {
      rejections.push({
        at: new Date().toISOString(),
        method: req.method,
        path: req.url,
        status: error.status,
        errors: error.errors,
      });
      if (rejections.length > 500) rejections.shift();
      return send(res, error.status, { status_code: error.status, errors: error.errors });
    }
    console.error(error);
    return send(res, 500, {
      status_code: 500,
      errors: [{ error: 'Exception', message: 'Internal server error' }],
    });
  });
});

server.listen(PORT, HOST, () => {
  const address = server.address();
  console.log(
    `fake GOV.UK Notify listening on http://${HOST}:${address.port} (templates: ${templates.size}, rate limit ${RATE_LIMIT}/60 s)`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // idle keep-alive connections would hold the close
  });
}
