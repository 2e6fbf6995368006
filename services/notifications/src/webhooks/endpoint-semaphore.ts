import type { Redis } from 'ioredis';

// Drops leases past their expiry (a holder that crashed), then takes one when fewer than the limit
// are held. KEYS[1] the endpoint's lease set; ARGV: now, lease expiry, limit, holder.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[2]) - tonumber(ARGV[1])))
  return 1
end
return 0
`;

/**
 * At most `limit` attempts in flight per endpoint across every instance (BullMQ OSS has no job
 * groups): a Redis sorted set of leases per endpoint, each expiring on its own so a crashed
 * holder frees its place. A slow or hanging receiver holds at most `limit` workers; the others
 * keep delivering to every other endpoint.
 */
export class EndpointSemaphore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  private key(endpointId: string): string {
    return `${this.prefix}:webhooks:in-flight:${endpointId}`;
  }

  async acquire(endpointId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const taken = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(endpointId),
      now,
      now + this.leaseMs,
      this.limit,
      holder,
    );
    return taken === 1;
  }

  async release(endpointId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.key(endpointId), holder);
  }
}
