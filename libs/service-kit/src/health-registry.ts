import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  ok: boolean;
  detail?: string;
}
export type HealthCheck = () => Promise<HealthCheckResult>;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, HealthCheckResult>;
}

/** A check that has not answered within this long counts as failed (a hung dependency is not ready). */
export const HEALTH_CHECK_TIMEOUT_MS = 3_000;

/**
 * Readiness checks, registered by whoever owns a dependency (the Mongo connection provider, the
 * Redis client, the Kafka consumer). GET /health/ready is 200 only when all of them pass.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`Health check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async run(timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runOne(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, result]) => result.ok), checks };
  }
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then((r) =>
        r.detail === undefined ? { ok: r.ok === true } : { ok: r.ok === true, detail: r.detail },
      ),
      timeout,
    ]);
  } catch {
    // The error itself may name hosts or credentials; the endpoint is public. The owner logs it.
    return { ok: false, detail: 'check failed with an error' };
  } finally {
    clearTimeout(timer);
  }
}
