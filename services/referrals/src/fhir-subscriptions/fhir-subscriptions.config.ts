import { Type } from '@sinclair/typebox';

/** Config of FHIR Subscriptions (spread into the referrals ServiceConfigSchema). */
export const FhirSubscriptionsConfigProperties = {
  FHIR_SUBSCRIPTION_ALLOW_HTTP: Type.Boolean({
    default: false,
    description:
      'Accept http:// rest-hook endpoints (the local platform sets true; production keeps https only)',
  }),
  FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9, ]*$',
    description:
      'Address ranges a rest-hook endpoint may target besides public unicast, comma-separated ipaddr.js range names (loopback, private, linkLocal, uniqueLocal, ...), as WEBHOOK_ALLOW_PRIVATE_TARGETS of the notifications service. Empty in production; the local platform sets loopback so a developer can subscribe their own machine',
  }),
  FHIR_SUBSCRIPTION_DEFAULT_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 120,
    default: 10,
    description: 'Timeout of one notification POST when the Subscription sets no backport-timeout',
  }),
  FHIR_SUBSCRIPTION_MAX_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 120,
    default: 30,
    description: 'Largest backport-timeout a Subscription may ask for',
  }),
  FHIR_SUBSCRIPTION_MIN_HEARTBEAT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: 60,
    description: 'Smallest backport-heartbeat-period a Subscription may ask for',
  }),
  FHIR_SUBSCRIPTION_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 20,
    default: 8,
    description: 'Attempts per notification (exponential backoff from FHIR_SUBSCRIPTION_BACKOFF_MS)',
  }),
  FHIR_SUBSCRIPTION_BACKOFF_MS: Type.Integer({
    minimum: 10,
    maximum: 3_600_000,
    default: 5_000,
    description: 'First retry delay of a failed notification (doubles each attempt)',
  }),
  FHIR_SUBSCRIPTION_ERROR_AFTER_FAILURES: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 20,
    description:
      'Failed attempts in a row (handshake, heartbeat or event) after which a Subscription goes to status error and stops being notified',
  }),
};
