import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MetricsGaugeRegistry } from '@sp/service-kit';
import { OpsQueues } from './ops-queues';

/** Queue depth per state and the oldest waiting job's age, for every queue operators see. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly gauges: MetricsGaugeRegistry,
    private readonly queues: OpsQueues,
  ) {}

  onModuleInit(): void {
    this.gauges.register({
      name: 'sp_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      collect: async () =>
        (await Promise.all(this.queues.all().map(({ ref }) => this.queues.overview(ref.name)))).flatMap((q) =>
          Object.entries(q.counts).map(([state, value]) => ({ labels: { queue: q.name, state }, value })),
        ),
    });
    this.gauges.register({
      name: 'sp_queue_oldest_waiting_seconds',
      help: 'Age of the job waiting longest in each BullMQ queue (0 when none waits)',
      labelNames: ['queue'],
      collect: async () =>
        Promise.all(
          this.queues.all().map(async ({ ref, queue }) => ({
            labels: { queue: ref.name },
            value: await this.queues.oldestWaitingSeconds(queue),
          })),
        ),
    });
  }
}
