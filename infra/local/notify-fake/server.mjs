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
// SP_NOTIFY_FAKE_API_KEYS (comma-separated keys accepted; default the local key in config.mjs),
// SP_NOTIFY_FAKE_RATE_LIMIT (requests per key per 60 s, default 3000 like Notify's live keys),
// SP_NOTIFY_FAKE_TEMPLATES (a templates JSON file; default ./templates.json),
// SP_NOTIFY_FAKE_CALLBACK_URL, SP_NOTIFY_FAKE_CALLBACK_TOKEN.
//
// Modules: config.mjs (the settings above), auth.mjs (API keys, JWT, rate limit), validation.mjs
// (request bodies), notifications.mjs (templates, kept notifications, receipts), routes.mjs (the
// routes), http.mjs (Notify's error body); this file runs the server. platform.sh restarts the fake
// when any .mjs or .json file of this folder changes.
import { createServer } from 'node:http';
import { HOST, PORT, RATE_LIMIT } from './config.mjs';
import { NotifyApiError, send } from './http.mjs';
import { rejections, templates } from './notifications.mjs';
import { handle } from './routes.mjs';

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
