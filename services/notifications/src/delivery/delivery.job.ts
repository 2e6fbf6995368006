/**
 * Who a notification goes to: an organisation directly (or one person of it: their subject at the
 * organisation's identity provider), or whichever organisation runs a directory service (resolved
 * from this service's directory replica when the job runs).
 */
export type Recipient =
  | { organisationId: string; personSub?: string }
  | { serviceId: string }
  /**
   * The organisation that made the first referral of an onward chain (resolved from the referral
   * register when the job runs), unless it is one of `except` (already told directly).
   */
  | { rootRequesterOf: string; except: string[] };

/** A notification to deliver: ids only (the receiver reads details through an authorised API). */
export interface DeliveryJobData {
  /** The event name, e.g. 'referral.submitted', 'referral.accepted'. */
  kind: string;
  eventId: string;
  referralId: string;
  recipient: Recipient;
  occurredAt: string;
  /** CloudEvents type of the event (absent on jobs queued before it was recorded). */
  eventType?: string;
  /** Codes shown with the notification: an assignment's action; the coded reason; the Task status after the event. */
  detail?: { action?: string; reasonCode?: string; status?: string };
  trace: { correlationId: string; causationId: string; traceparent?: string };
}

export const DELIVERY_JOB_NAME = 'deliver-referral-notification';

function recipientKey(recipient: Recipient): string {
  if ('rootRequesterOf' in recipient) return `root-of-${recipient.rootRequesterOf}`;
  if (!('organisationId' in recipient)) return `svc-${recipient.serviceId}`;
  const person = recipient.personSub ? `-person-${recipient.personSub.replace(/:/g, '%3A')}` : '';
  return `org-${recipient.organisationId}${person}`;
}

/**
 * One job per event and recipient: BullMQ ignores a second add with the same id, so a redelivered
 * event enqueues nothing.
 */
export function deliveryJobId(eventId: string, recipient: Recipient): string {
  return `delivery-${eventId}-${recipientKey(recipient)}`.replace(/:/g, '_'); // BullMQ ids may not contain ":"
}
