/**
 * Who a notification goes to: an organisation directly, or whichever organisation runs a
 * directory service (resolved from this service's directory replica when the job runs).
 */
export type Recipient = { organisationId: string } | { serviceId: string };

/** A notification to deliver: ids only (the receiver reads details through an authorised API). */
export interface DeliveryJobData {
  /** The event name, e.g. 'referral.submitted', 'referral.accepted'. */
  kind: string;
  eventId: string;
  referralId: string;
  recipient: Recipient;
  occurredAt: string;
  trace: { correlationId: string; causationId: string; traceparent?: string };
}

export const DELIVERY_JOB_NAME = 'deliver-referral-notification';

function recipientKey(recipient: Recipient): string {
  return 'organisationId' in recipient ? `org-${recipient.organisationId}` : `svc-${recipient.serviceId}`;
}

/**
 * One job per event and recipient: BullMQ ignores a second add with the same id, so a redelivered
 * event enqueues nothing.
 */
export function deliveryJobId(eventId: string, recipient: Recipient): string {
  return `delivery-${eventId}-${recipientKey(recipient)}`.replace(/:/g, '_'); // BullMQ ids may not contain ":"
}
