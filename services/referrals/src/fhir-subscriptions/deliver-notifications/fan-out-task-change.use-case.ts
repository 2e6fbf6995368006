import type { TaskStatus } from '@sp/contracts';
import { isDomainError } from '@sp/errors';
import { traceContext } from '@sp/observability';
import type { ReferralAccessPolicy } from '../../referrals/referral-access.policy';
import type { ReferralRepository } from '../../referrals/referral.repository';
import { isLive, type StoredSubscription } from '../domain/subscription';
import { matchesAll, type TaskFacts } from '../domain/task-filter';
import type { FhirSubscriptionRepository } from '../fhir-subscription.repository';
import type { SubscriptionDeliveryQueue } from './subscription-delivery.queue';

/** A referral lifecycle event, as much as the topic needs of it. */
export interface TaskChange {
  eventId: string;
  kind: string;
  referralId: string;
  occurredAt: string;
  /** Task status after the change, when the event says. */
  toStatus?: TaskStatus;
  ownerOrganisationId?: string;
}

/**
 * One Task change -> one numbered event and one delivery job per subscription that may see the
 * Task (the FHIR Task read authorisation, as the subscriber's organisation and role) and whose
 * filters all match. Idempotent per (subscription, event): a redelivered Kafka event gets the
 * same numbers and job ids, so nothing is sent twice by the fan-out.
 */
export class FanOutTaskChangeUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'findById'>,
    private readonly access: Pick<ReferralAccessPolicy, 'load'>,
    private readonly subscriptions: Pick<FhirSubscriptionRepository, 'candidates' | 'numberEvent'>,
    private readonly queue: Pick<SubscriptionDeliveryQueue, 'event'>,
  ) {}

  async execute(change: TaskChange, now = new Date()): Promise<number> {
    const doc = await this.referrals.findById(change.referralId);
    if (!doc) return 0;
    const facts: TaskFacts = {
      referralId: doc._id,
      status: change.toStatus ?? doc.status,
      requesterOrganisationId: doc.requesterOrganisationId,
      ...((change.ownerOrganisationId ?? doc.ownerOrganisationId)
        ? { ownerOrganisationId: change.ownerOrganisationId ?? doc.ownerOrganisationId }
        : {}),
      ...(doc.targetServiceId ? { targetServiceId: doc.targetServiceId } : {}),
      ...(doc.parentReferralId ? { parentReferralId: doc.parentReferralId } : {}),
    };
    const candidates = await this.subscriptions.candidates(
      facts.requesterOrganisationId,
      facts.ownerOrganisationId,
    );
    let queued = 0;
    for (const sub of candidates) {
      if (
        !isLive(sub, now) ||
        !matchesAll(
          facts,
          sub.filters.map((f) => f.filter),
        )
      )
        continue;
      if (!(await this.mayRead(sub, change.referralId))) continue;
      const event = await this.subscriptions.numberEvent(
        sub._id,
        change.eventId,
        change.referralId,
        new Date(change.occurredAt),
      );
      if (!event) continue;
      const ctx = traceContext.current();
      await this.queue.event({
        kind: 'event',
        subscriptionId: sub._id,
        eventKey: event._id,
        eventNumber: event.eventNumber,
        referralId: change.referralId,
        occurredAt: change.occurredAt,
        created: change.kind === 'referral.submitted',
        trace: {
          correlationId: ctx?.correlationId ?? change.referralId,
          causationId: change.eventId,
          ...(ctx?.traceparent ? { traceparent: ctx.traceparent } : {}),
        },
      });
      queued += 1;
    }
    return queued;
  }

  /** The Task read authorisation of GET /fhir/Task/<id>, as the subscription's owner. */
  private async mayRead(sub: StoredSubscription, referralId: string): Promise<boolean> {
    try {
      await this.access.load(referralId, {
        clientId: sub.owner.clientId,
        organisationId: sub.owner.organisationId,
        role: sub.owner.role,
        ...(sub.owner.odsCode ? { odsCode: sub.owner.odsCode } : {}),
      });
      return true;
    } catch (err: unknown) {
      if (isDomainError(err) && (err.status === 404 || err.status === 403)) return false;
      throw err;
    }
  }
}
