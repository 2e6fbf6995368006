import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@sp/service-kit';
import { AssuranceService } from './assurance.service';

export const DEFAULT_EVIDENCE_SWEEP_INTERVAL_MS = 3_600_000;

/**
 * Re-evaluates every organisation's evidence at boot and then every EVIDENCE_SWEEP_INTERVAL_MS
 * (default 1 h): an organisation whose evidence expired since the last pass becomes unverified and
 * organisation.unverified goes out; with nothing changed nothing is written or emitted. A plain
 * timer is enough: the pass is idempotent and each write is conditional on the revision it read,
 * so two instances (or an overlapping pass) at worst repeat the same no-op evaluation.
 */
@Injectable()
export class EvidenceSweepJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  readonly intervalMs: number;

  constructor(
    private readonly assurance: AssuranceService,
    @Inject(SERVICE_CONFIG) config: { EVIDENCE_SWEEP_INTERVAL_MS?: number },
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.intervalMs = config.EVIDENCE_SWEEP_INTERVAL_MS ?? DEFAULT_EVIDENCE_SWEEP_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass (skipped if the previous one is still running). */
  async runOnce(now = new Date()): Promise<{ evaluated: number; changed: number } | undefined> {
    if (this.running) return undefined;
    const pass = this.assurance
      .sweep(now)
      .then((result) => {
        if (result.changed > 0) this.logger.info(result, 'evidence sweep: verification changed');
        return result;
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'evidence sweep failed; retried at the next interval');
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
      });
    this.running = pass;
    return pass;
  }
}
