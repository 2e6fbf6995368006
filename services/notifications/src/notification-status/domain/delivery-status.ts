/** Where a notification went. */
export const DELIVERY_CHANNELS = ['inbox', 'email', 'sms', 'webhook', 'partner-stream', 'digest'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * How far it got on that channel: queued (a job exists), sent (handed to the provider or receiver),
 * delivered (the channel confirmed it: a Notify receipt, a webhook 2xx, a broker ack), failed (with
 * reason, after the last retry), suppressed (deliberately not sent, with reason: preference, quiet
 * hours, do-not-contact, consent, no address).
 */
export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The statuses a notification may move to `next` from. Jobs run at least once and receipts arrive
 * late, so an out-of-order report must not move a notification backwards: a retry's `sent` never
 * hides `delivered`, a late `queued` never hides anything. A failed or delivered one may be queued
 * again (replay), and a failed one may still be delivered (a retry or replay succeeded).
 */
const ALLOWED_FROM: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  queued: ['failed', 'delivered', 'suppressed'],
  sent: ['queued', 'sent', 'failed'],
  delivered: ['queued', 'sent', 'failed'],
  failed: ['queued', 'sent', 'failed'],
  suppressed: ['queued', 'suppressed'],
};

export function mayMove(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return ALLOWED_FROM[to].includes(from);
}

export function predecessorsOf(to: DeliveryStatus): readonly DeliveryStatus[] {
  return ALLOWED_FROM[to];
}

export function isDeliveryChannel(value: unknown): value is DeliveryChannel {
  return typeof value === 'string' && (DELIVERY_CHANNELS as readonly string[]).includes(value);
}

export function isDeliveryStatus(value: unknown): value is DeliveryStatus {
  return typeof value === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(value);
}
