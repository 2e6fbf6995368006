// What the fake keeps: templates, accepted notifications and refused requests; sending a
// notification (rendered from its template) and a delivery receipt to a callback URL.
/* global fetch, AbortSignal */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CALLBACK_TOKEN,
  CALLBACK_URL,
  HOST,
  PORT,
  RECEIPT_STATUSES,
  TEMPLATE_FILE,
  UUID,
} from './config.mjs';
import { fail } from './http.mjs';
import { validateBody } from './validation.mjs';

export const templates = new Map();
for (const t of JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')).templates) addTemplate(t);

/** Accepted notifications in arrival order; refused requests (newest 500). */
export const notifications = [];
export const rejections = [];

export function addTemplate(t) {
  if (!UUID.test(t.id ?? '') || !['sms', 'email'].includes(t.type) || typeof t.body !== 'string') {
    throw new Error(`template ${JSON.stringify(t.id)}: needs a UUID id, type sms|email and a body`);
  }
  templates.set(t.id.toLowerCase(), { version: 1, ...t, id: t.id.toLowerCase() });
}

function render(text, personalisation) {
  return text.replace(/\(\(([^()]+)\)\)/g, (_, name) => String(personalisation[name.trim()]));
}

function placeholders(template) {
  const text = `${template.subject ?? ''} ${template.body}`;
  return [...new Set([...text.matchAll(/\(\(([^()]+)\)\)/g)].map((m) => m[1].trim()))];
}

export function baseUrl(req) {
  return `http://${req.headers.host ?? `${HOST}:${PORT}`}`;
}

export function sendNotification(req, type, body, key) {
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

export function notificationView(n) {
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

export async function sendReceipt(n, body) {
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
