import {
  BACKPORT_EXTENSIONS,
  BACKPORT_PROFILES,
  REFERRAL_TASK_TOPIC,
  SUBSCRIPTION_STATUS_OPERATION,
} from './domain/subscription-topic';

/** Routes SubscriptionController serves, as the CapabilityStatement declares them (checked by a unit test). */
export const SUBSCRIPTION_INTERACTIONS = ['create', 'read', 'search-type', 'delete'] as const;

/** The Subscription entry of the CapabilityStatement's rest.resource. */
export const SUBSCRIPTION_CAPABILITY: Record<string, unknown> = {
  extension: [{ url: BACKPORT_EXTENSIONS.topicCanonical, valueCanonical: REFERRAL_TASK_TOPIC }],
  type: 'Subscription',
  supportedProfile: [BACKPORT_PROFILES.subscription],
  documentation: `Topic-based Subscriptions (Subscriptions R5 Backport IG, R4): criteria ${REFERRAL_TASK_TOPIC} (any change of a referral's Task), optional backport-filter-criteria Task?owner=|owner:missing=|requester=|status=|part-of=|_id= (naming your own organisation); channel rest-hook, payload application/fhir+json with backport-payload-content id-only; backport-heartbeat-period, backport-timeout honoured. Status requested until the handshake is answered 2xx (then active; error when it fails, or after repeated failed notifications). A subscription belongs to the caller's organisation and is only ever notified about Tasks that organisation may read. channel.header values are masked when read.`,
  interaction: SUBSCRIPTION_INTERACTIONS.map((code) => ({ code })),
  searchParam: [
    {
      name: 'status',
      type: 'token',
      documentation: 'requested | active | error | off; several separated by commas',
    },
    { name: '_count', type: 'number', documentation: 'Page size, 1-100 (default 20)' },
  ],
  operation: [
    {
      name: 'status',
      definition: SUBSCRIPTION_STATUS_OPERATION,
      documentation: 'GET [base]/Subscription/<id>/$status',
    },
  ],
};
