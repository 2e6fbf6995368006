/**
 * Jobs of the FHIR subscription delivery queue: one handshake per subscription, one event job
 * per (subscription, event), heartbeats from a job scheduler per subscription. Ids derive from
 * those keys, so enqueueing twice (a redelivered Kafka event) adds nothing. BullMQ ids may not
 * contain ":".
 */
export type SubscriptionJobData =
  | { kind: 'handshake'; subscriptionId: string }
  | { kind: 'heartbeat'; subscriptionId: string }
  | {
      kind: 'event';
      subscriptionId: string;
      /** SubscriptionEvent key: `${subscriptionId}_${eventId}`. */
      eventKey: string;
      eventNumber: number;
      referralId: string;
      occurredAt: string;
      created: boolean;
      trace: { correlationId: string; causationId?: string; traceparent?: string };
    };

export const handshakeJobId = (subscriptionId: string) => `handshake-${subscriptionId}`;
export const eventJobId = (eventKey: string) => `event-${eventKey}`;
export const heartbeatSchedulerId = (subscriptionId: string) => `heartbeat-${subscriptionId}`;
