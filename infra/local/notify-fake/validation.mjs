// The request bodies of POST /v2/notifications/email and /sms, checked as Notify does.
import { UUID } from './config.mjs';
import { fail, NotifyApiError } from './http.mjs';

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
export function validateBody(type, body) {
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
