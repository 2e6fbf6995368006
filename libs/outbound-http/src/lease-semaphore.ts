import type { Redis } from 'ioredis';

// Drops leases past their expiry (a holder that crashed), then takes one when fewer than the limit
// are held. KEYS[1] the target's lease set; ARGV: now, lease expiry, limit, holder.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[2]) - tonumber(ARGV[1])))
  return 1
end
return 0
`;

/** Takes and gives back a place among the calls in flight to one target. */
export interface InFlightLimiter {
  acquire(targetId: string, holder: string): Promise<boolean>;
  release(targetId: string, holder: string): Promise<void>;
}

/**
 * At most `limit` calls in flight per target (a webhook endpoint, a subscription) across every
 * instance (BullMQ OSS has no job groups): a Redis sorted set of leases per target under
 * `${keyPrefix}:${targetId}`, each lease expiring on its own so a crashed holder frees its place.
 * A slow or hanging receiver holds at most `limit` workers; the others keep calling every other
 * target.
 */
export class LeaseSemaphore implements InFlightLimiter {
  constructor(
    private readonly redis: Pick<Redis, 'eval' | 'zrem'>,
    private readonly keyPrefix: string,
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  private key(targetId: string): string {
    return `${this.keyPrefix}:${targetId}`;
  }

  async acquire(targetId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const taken = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(targetId),
      now,
      now + this.leaseMs,
      this.limit,
      holder,
    );
    return taken === 1;
  }

  async release(targetId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.key(targetId), holder);
  }
}
