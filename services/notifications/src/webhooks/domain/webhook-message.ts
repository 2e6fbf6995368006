import { createHash } from 'node:crypto';
import type { OrganisationNotice } from '../../dispatch/organisation-notice';

/**
 * The body of a webhook (Standard Webhooks' recommended type / timestamp / data): the event kind,
 * its time, and ids and codes only. Never patient data nor free text: the receiver reads the
 * referral through the authorised APIs.
 */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: { referralId: string; eventId: string; status?: string; reasonCode?: string };
}

export function payloadFor(notice: OrganisationNotice): WebhookPayload {
  return {
    type: notice.kind,
    timestamp: notice.occurredAt,
    data: {
      referralId: notice.referralId,
      eventId: notice.eventId,
      ...(notice.status !== undefined ? { status: notice.status } : {}),
      ...(notice.reasonCode !== undefined ? { reasonCode: notice.reasonCode } : {}),
    },
  };
}

/**
 * The `webhook-id` of one notice to one endpoint: derived from both, so it is the same on every
 * retry, replay and redelivered event (receivers dedupe on it), and safe as a BullMQ job id.
 */
export function messageIdFor(noticeId: string, endpointId: string): string {
  return 'msg_' + createHash('sha256').update(`${noticeId}|${endpointId}`).digest('hex').slice(0, 32);
}

/** An endpoint hears of a kind when it is enabled and subscribed to it (no list: every kind). */
export function isSubscribed(
  endpoint: { enabled: boolean; eventTypes: readonly string[] },
  kind: string,
): boolean {
  return endpoint.enabled && (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(kind));
}
