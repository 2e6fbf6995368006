import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { InFlightLimiter } from '@sp/outbound-http';
import type { RedisConnections } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import type { FhirSubscriptionRepository } from '../fhir-subscription.repository';
import type { RestHookSender } from './rest-hook.sender';
import type { SubscriptionDeliveryQueue } from './subscription-delivery.queue';
import type { SubscriptionJobData } from './subscription-delivery.job';
import { SubscriptionDeliveryWorker } from './subscription-delivery.worker';

let jobs = 0;
function job(subscriptionId: string) {
  const delayed: number[] = [];
  const j = {
    id: `job-${(jobs += 1)}`,
    data: { kind: 'heartbeat', subscriptionId },
    moveToDelayed: async (at: number) => void delayed.push(at),
  } as unknown as Job<SubscriptionJobData>;
  return { j, delayed };
}

/** The Redis lease semaphore's contract in memory (the real one is tested against Redis in libs/outbound-http). */
function limiter(limit: number): InFlightLimiter & { held: Map<string, Set<string>> } {
  const held = new Map<string, Set<string>>();
  return {
    held,
    acquire: async (target, holder) => {
      const leases = held.get(target) ?? new Set<string>();
      if (leases.size >= limit) return false;
      held.set(target, leases.add(holder));
      return true;
    },
    release: async (target, holder) => void held.get(target)?.delete(holder),
  };
}

describe('delivery worker: a slow subscription holds at most two workers', () => {
  it('a third job of the same subscription waits (moved to delayed, no attempt used); other subscriptions run', async () => {
    const worker = new SubscriptionDeliveryWorker(
      {} as ServiceConfig,
      {} as Logger,
      {} as RedisConnections,
      {} as FhirSubscriptionRepository,
      {} as SubscriptionDeliveryQueue,
      {} as RestHookSender,
    );
    const leases = limiter(2);
    worker.limiter = leases;
    const release: (() => void)[] = [];
    worker.process = () => new Promise<string>((resolve) => release.push(() => resolve('sent')));
    const first = worker.run(job('slow').j, 'token');
    const second = worker.run(job('slow').j, 'token');
    const third = job('slow');
    await expect(worker.run(third.j, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(third.delayed).toHaveLength(1);
    const other = worker.run(job('fast').j, 'token');
    await new Promise((resolve) => setImmediate(resolve)); // its lease is taken asynchronously
    expect(release).toHaveLength(3);
    release.forEach((r) => r());
    await expect(Promise.all([first, second, other])).resolves.toEqual(['sent', 'sent', 'sent']);
    worker.process = async () => 'sent';
    await expect(worker.run(job('slow').j, 'token')).resolves.toBe('sent');
    expect([...leases.held.values()].every((s) => s.size === 0)).toBe(true);
  });
});
