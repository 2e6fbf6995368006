/**
 * A patient's contact details as the referral keeps them for patient notifications (GOV.UK Notify
 * text message or email): a UK mobile number in E.164 and an email address. Patient data: never
 * in events, read only through the audited internal API, removed on consent withdrawal.
 */
export interface PatientContact {
  /** UK mobile in E.164, e.g. +447700900123. */
  mobilePhone?: string;
  email?: string;
}

export type TelecomCheck = { ok: true; value: string } | { ok: false; message: string };

/**
 * A UK mobile number as people write it (07700 900123, +44 7700 900123, 0044 7700-900123,
 * (07700) 900123), normalised to E.164; anything else is refused with the reason.
 */
export function ukMobile(raw: string): TelecomCheck {
  if (!/^[\d\s()+.-]+$/.test(raw))
    return { ok: false, message: 'A mobile number has digits only (spaces, +, -, brackets allowed)' };
  let digits = raw.replace(/[\s().-]/g, '');
  if (digits.indexOf('+') > 0) return { ok: false, message: 'A + may only start the number' };
  if (digits.startsWith('+44')) digits = digits.slice(3);
  else if (digits.startsWith('0044')) digits = digits.slice(4);
  else if (digits.startsWith('+') || digits.startsWith('00')) {
    return { ok: false, message: 'Only UK mobile numbers (+44 7... or 07...) can receive text messages' };
  } else if (digits.startsWith('0')) digits = digits.slice(1);
  else return { ok: false, message: 'A UK mobile number starts with 07 or +44 7' };
  if (digits.startsWith('0')) digits = digits.slice(1); // +44 (0)7700 ...
  if (!digits.startsWith('7'))
    return { ok: false, message: 'Not a UK mobile number: a UK mobile starts with 07 or +44 7' };
  if (!/^7\d{9}$/.test(digits)) {
    return { ok: false, message: 'A UK mobile number is 07 followed by 9 digits (or +44 7 and 9 digits)' };
  }
  return { ok: true, value: `+44${digits}` };
}

/** An email address in the usual local@domain.tld form (no display name, no spaces). */
export function emailAddress(raw: string): TelecomCheck {
  const value = raw.trim();
  const ok =
    value.length <= 254 &&
    /^[^\s@"(),:;<>[\\\]]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/.test(value);
  return ok ? { ok: true, value } : { ok: false, message: 'Not a valid email address' };
}
