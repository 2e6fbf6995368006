/** A notification to deliver: ids only (the receiver reads details through an authorised API). */
export interface DeliveryJobData {
  kind: 'referral.submitted';
  eventId: string;
  referralId: string;
  targetServiceId: string;
  occurredAt: string;
  trace: { correlationId: string; causationId: string; traceparent?: string };
}

export const DELIVERY_JOB_NAME = 'deliver-referral-notification';

/** One job per event: BullMQ ignores a second add with the same id, so a redelivered event enqueues nothing. */
export function deliveryJobId(eventId: string): string {
  return `delivery-${eventId}`; // BullMQ ids may not contain ":"
}
