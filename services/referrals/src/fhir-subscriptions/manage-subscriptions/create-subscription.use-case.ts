import { randomUUID } from 'node:crypto';
import { DomainError, ValidationError } from '@sp/errors';
import { parseAllowedRanges } from '@sp/outbound-http';
import type { ServiceConfig } from '../../service.config';
import type { StoredSubscription } from '../domain/subscription';
import { parseSubscription } from '../domain/subscription-request';
import type { FilterSubscriber } from '../domain/task-filter';
import type { FhirSubscriptionRepository } from '../fhir-subscription.repository';
import type { SubscriptionDeliveryQueue } from '../deliver-notifications/subscription-delivery.queue';

export interface Subscriber extends FilterSubscriber {
  clientId: string;
  odsCode?: string;
}

/**
 * POST /fhir/Subscription: validated (every problem at once, nothing stored when any), stored as
 * the caller's organisation's with status requested, and the handshake queued; the worker makes
 * it active on a 2xx answer, error otherwise.
 */
export class CreateSubscriptionUseCase {
  constructor(
    private readonly subscriptions: Pick<FhirSubscriptionRepository, 'insert'>,
    private readonly queue: Pick<SubscriptionDeliveryQueue, 'handshake'>,
    private readonly config: Pick<
      ServiceConfig,
      | 'FHIR_SUBSCRIPTION_ALLOW_HTTP'
      | 'FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS'
      | 'FHIR_SUBSCRIPTION_MIN_HEARTBEAT_SECONDS'
      | 'FHIR_SUBSCRIPTION_MAX_TIMEOUT_SECONDS'
    >,
  ) {}

  async execute(
    body: unknown,
    subscriber: Subscriber,
    base: string,
    now = new Date(),
  ): Promise<StoredSubscription> {
    const { spec, problems } = parseSubscription(
      body,
      { organisationId: subscriber.organisationId, role: subscriber.role },
      {
        allowHttp: this.config.FHIR_SUBSCRIPTION_ALLOW_HTTP,
        allowedRanges: parseAllowedRanges(this.config.FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS),
        minHeartbeatSeconds: this.config.FHIR_SUBSCRIPTION_MIN_HEARTBEAT_SECONDS,
        maxTimeoutSeconds: this.config.FHIR_SUBSCRIPTION_MAX_TIMEOUT_SECONDS,
      },
      now,
    );
    if (!spec) {
      if (problems.every((p) => p.code === 'not_your_organisation'))
        throw new DomainError('SUBSCRIPTION.NOT_YOUR_ORGANISATION', 'The filter names another organisation', {
          status: 403,
          problems,
        });
      throw new ValidationError('The Subscription is not acceptable', problems);
    }
    const sub: StoredSubscription = {
      ...spec,
      _id: randomUUID(),
      owner: {
        clientId: subscriber.clientId,
        organisationId: subscriber.organisationId,
        role: subscriber.role,
        ...(subscriber.odsCode ? { odsCode: subscriber.odsCode } : {}),
      },
      status: 'requested',
      base,
      eventCount: 0,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.subscriptions.insert(sub);
    await this.queue.handshake(sub._id);
    return sub;
  }
}
