/**
 * The one SubscriptionTopic of the referrals FHIR base, and the Subscriptions R5 Backport IG
 * (hl7.fhir.uv.subscriptions-backport, STU 1.1) URLs we read and write. R4 has no
 * SubscriptionTopic resource: the canonical is declared in the CapabilityStatement with the
 * backport's capabilitystatement-subscriptiontopic-canonical extension and documented in
 * docs/notifications/fhir-subscriptions.md. The URLs are identifiers (they need not resolve).
 */

/** Any change of a referral's Task (created, status changed, owner claimed, consent withdrawn...). */
export const REFERRAL_TASK_TOPIC =
  'https://socialprescribing.example.org/SubscriptionTopic/referral-task-changes';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

export const BACKPORT_EXTENSIONS = {
  filterCriteria: `${BACKPORT}/backport-filter-criteria`,
  payloadContent: `${BACKPORT}/backport-payload-content`,
  heartbeatPeriod: `${BACKPORT}/backport-heartbeat-period`,
  timeout: `${BACKPORT}/backport-timeout`,
  maxCount: `${BACKPORT}/backport-max-count`,
  topicCanonical: `${BACKPORT}/capabilitystatement-subscriptiontopic-canonical`,
} as const;

export const BACKPORT_PROFILES = {
  subscription: `${BACKPORT}/backport-subscription`,
  notification: `${BACKPORT}/backport-subscription-notification-r4`,
  status: `${BACKPORT}/backport-subscription-status-r4`,
} as const;

export const SUBSCRIPTION_STATUS_OPERATION =
  'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status';

/** R4 Subscription.status. */
export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';

/** R4B/R5 subscription-notification-type. */
export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status';
