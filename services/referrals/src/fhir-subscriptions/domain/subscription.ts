import type { SubscriptionSpec } from './subscription-request';
import { BACKPORT_EXTENSIONS, REFERRAL_TASK_TOPIC, type SubscriptionStatus } from './subscription-topic';
import type { FilterSubscriber } from './task-filter';

/** A stored Subscription: the spec, whose it is, and its delivery state. */
export interface StoredSubscription extends SubscriptionSpec {
  _id: string;
  /** The organisation it belongs to, and the role its Task reads are authorised as. */
  owner: FilterSubscriber & { clientId: string; odsCode?: string };
  status: SubscriptionStatus;
  /** The FHIR base the subscriber used (notification Bundles reference Tasks under it). */
  base: string;
  /** Events numbered so far (events-since-subscription-start); $inc'd once per event. */
  eventCount: number;
  /** Delivery attempts failed in a row (reset by a 2xx); at the configured limit: status error. */
  consecutiveFailures: number;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
}

/** Header values are not echoed back (they usually hold the subscriber's credentials). */
export function maskedHeader(header: string): string {
  const name = header.split(':')[0] ?? '';
  return `${name}: ***`;
}

/** The FHIR R4 Subscription (backport profile shape) of a stored one. */
export function toSubscriptionResource(sub: StoredSubscription): Record<string, unknown> {
  const channelExtensions = [
    ...(sub.heartbeatSeconds !== undefined
      ? [{ url: BACKPORT_EXTENSIONS.heartbeatPeriod, valueUnsignedInt: sub.heartbeatSeconds }]
      : []),
    ...(sub.timeoutSeconds !== undefined
      ? [{ url: BACKPORT_EXTENSIONS.timeout, valueUnsignedInt: sub.timeoutSeconds }]
      : []),
    ...(sub.maxCount !== undefined
      ? [{ url: BACKPORT_EXTENSIONS.maxCount, valuePositiveInt: sub.maxCount }]
      : []),
  ];
  return {
    resourceType: 'Subscription',
    id: sub._id,
    meta: { lastUpdated: sub.updatedAt.toISOString() },
    status: sub.status,
    ...(sub.end ? { end: sub.end.toISOString() } : {}),
    reason: sub.reason,
    criteria: REFERRAL_TASK_TOPIC,
    ...(sub.filters.length > 0
      ? {
          _criteria: {
            extension: sub.filters.map((f) => ({
              url: BACKPORT_EXTENSIONS.filterCriteria,
              valueString: f.criteria,
            })),
          },
        }
      : {}),
    ...(sub.error ? { error: sub.error } : {}),
    channel: {
      ...(channelExtensions.length > 0 ? { extension: channelExtensions } : {}),
      type: 'rest-hook',
      endpoint: sub.endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'id-only' }] },
      ...(sub.headers.length > 0 ? { header: sub.headers.map(maskedHeader) } : {}),
    },
  };
}

/** Whether a subscription takes new events now. */
export function isLive(sub: Pick<StoredSubscription, 'status' | 'end' | 'deletedAt'>, now: Date): boolean {
  return sub.deletedAt === undefined && sub.status === 'active' && (sub.end === undefined || sub.end > now);
}
