import type { OrganisationNotice } from '../../dispatch/organisation-notice';

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** An instant as people in England read it, e.g. '3 Dec 2026, 17:05 (UK time)'. */
export function londonTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${LONDON.format(at)} (UK time)`;
}

export function referralUrl(portalBaseUrl: string, referralId: string): string {
  return `${portalBaseUrl.replace(/\/+$/, '')}/v1/referrals/${encodeURIComponent(referralId)}`;
}

/**
 * The personalisation of a notice email: the notice's ids, codes and time, and the link to read
 * the referral. Nothing else exists on a notice, so no patient data or free text can reach an email.
 */
export function noticePersonalisation(
  notice: Pick<OrganisationNotice, 'kind' | 'referralId' | 'status' | 'reasonCode' | 'occurredAt'>,
  portalBaseUrl: string,
): Record<string, string> {
  return {
    kind: notice.kind,
    referralId: notice.referralId,
    status: notice.status ?? 'not given',
    reasonCode: notice.reasonCode ?? 'not given',
    occurredAt: londonTime(notice.occurredAt),
    referralUrl: referralUrl(portalBaseUrl, notice.referralId),
  };
}
