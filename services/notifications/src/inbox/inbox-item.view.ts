import type { InboxNotification } from './inbox.repository';

/** What a caller sees of a notice: ids and codes only; read the details from the referrals API. */
export interface InboxItemView {
  id: string;
  kind: string;
  referralId: string;
  /** Present when the notification is for one person (their subject identifier). */
  recipientPersonSub?: string;
  action?: string;
  reasonCode?: string;
  occurredAt: string;
  deliveredAt: string;
  /** Present once acknowledged. */
  acknowledgedAt?: string;
}

export function inboxItemView(n: InboxNotification): InboxItemView {
  return {
    id: n._id,
    kind: n.kind,
    referralId: n.referralId,
    ...(n.recipientPersonSub ? { recipientPersonSub: n.recipientPersonSub } : {}),
    ...(n.action ? { action: n.action } : {}),
    ...(n.reasonCode ? { reasonCode: n.reasonCode } : {}),
    occurredAt: n.occurredAt,
    deliveredAt: n.deliveredAt.toISOString(),
    ...(n.acknowledgedAt ? { acknowledgedAt: n.acknowledgedAt.toISOString() } : {}),
  };
}
