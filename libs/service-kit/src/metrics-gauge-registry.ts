import { Inject, Injectable } from '@nestjs/common';
import { gauge } from '@sp/observability';
import type { Logger } from 'pino';
import { SERVICE_LOGGER } from './service-kit.config';

export type GaugeSample = number | Array<{ labels: Record<string, string>; value: number }>;

export interface AsyncGaugeDefinition {
  name: string;
  help: string;
  labelNames?: string[];
  /** Called on every scrape of GET /metrics (e.g. outbox backlog, queue depth). */
  collect: () => Promise<GaugeSample>;
}

// The prom-client gauge lives once per process (metricsRegistry); the collector behind it is the
// latest registered one, so an app created twice in one process (tests) reads the live instance.
const collectors = new Map<string, { collect: AsyncGaugeDefinition['collect']; logger: Logger }>();

/**
 * Gauges whose value is read when Prometheus scrapes, instead of being pushed by the code that
 * changes it. A failing collector keeps the previous value and logs a warning, so one broken
 * dependency does not blank the whole /metrics page.
 */
@Injectable()
export class MetricsGaugeRegistry {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  register(def: AsyncGaugeDefinition): void {
    collectors.set(def.name, { collect: def.collect, logger: this.logger });
    gauge({
      name: def.name,
      help: def.help,
      labelNames: def.labelNames ?? [],
      async collect() {
        const current = collectors.get(def.name);
        if (!current) return;
        try {
          const sample = await current.collect();
          if (typeof sample === 'number') {
            this.set(sample);
          } else {
            this.reset();
            for (const { labels, value } of sample) this.set(labels, value);
          }
        } catch (err: unknown) {
          current.logger.warn({ err, metric: def.name }, 'metric collector failed');
        }
      },
    });
  }
}
