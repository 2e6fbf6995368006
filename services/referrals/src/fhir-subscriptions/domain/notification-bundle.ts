import { REFERRAL_TASK_TOPIC, type NotificationType, type SubscriptionStatus } from './subscription-topic';

/**
 * Notification Bundles of the R4 backport (backport-subscription-notification-r4): a `history`
 * Bundle whose first entry is a Parameters (backport-subscription-status-r4) with subscription,
 * topic, status, type, events-since-subscription-start and, for an event, notification-event
 * (event-number, timestamp, focus). id-only content: the Task is named by reference in focus and
 * by a second entry with fullUrl, request and response only (no resource). Nothing about the
 * patient is ever in it. meta.profile is not claimed (see docs/notifications/fhir-subscriptions.md).
 * Pure code.
 */

export interface NotificationInput {
  /** The FHIR base as clients reach it, e.g. https://referrals.example/fhir */
  base: string;
  subscriptionId: string;
  status: SubscriptionStatus;
  type: NotificationType;
  eventsSinceStart: number;
  /** A uuid for the Parameters entry (urn:uuid). */
  statusId: string;
  now: Date;
  event?: {
    number: number;
    timestamp: Date;
    taskId: string;
    /** The change created the Task (POST, 201) rather than updating it (PUT, 200). */
    created: boolean;
  };
}

export type NotificationBundle = {
  resourceType: 'Bundle';
  type: 'history';
  timestamp: string;
  entry: Record<string, unknown>[];
};

export function notificationBundle(input: NotificationInput): NotificationBundle {
  const subscriptionUrl = `${input.base}/Subscription/${input.subscriptionId}`;
  const parameter: Record<string, unknown>[] = [
    { name: 'subscription', valueReference: { reference: subscriptionUrl } },
    { name: 'topic', valueCanonical: REFERRAL_TASK_TOPIC },
    { name: 'status', valueCode: input.status },
    { name: 'type', valueCode: input.type },
    { name: 'events-since-subscription-start', valueString: String(input.eventsSinceStart) },
  ];
  const entry: Record<string, unknown>[] = [];
  const event = input.event;
  if (event) {
    const taskUrl = `${input.base}/Task/${event.taskId}`;
    parameter.push({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(event.number) },
        { name: 'timestamp', valueInstant: event.timestamp.toISOString() },
        { name: 'focus', valueReference: { reference: taskUrl } },
      ],
    });
    entry.push({
      fullUrl: taskUrl,
      request: event.created
        ? { method: 'POST', url: 'Task' }
        : { method: 'PUT', url: `Task/${event.taskId}` },
      response: { status: event.created ? '201' : '200' },
    });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    timestamp: input.now.toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${input.statusId}`,
        resource: { resourceType: 'Parameters', id: input.statusId, parameter },
        request: { method: 'GET', url: `${subscriptionUrl}/$status` },
        response: { status: '200' },
      },
      ...entry,
    ],
  };
}

/** $status answer: a searchset Bundle holding the status Parameters (no event). */
export function statusBundle(input: Omit<NotificationInput, 'type' | 'event'>): Record<string, unknown> {
  const notification = notificationBundle({ ...input, type: 'query-status' });
  const first = notification.entry[0] as { fullUrl: string; resource: unknown };
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: notification.timestamp,
    total: 1,
    entry: [{ fullUrl: first.fullUrl, resource: first.resource, search: { mode: 'match' } }],
  };
}
