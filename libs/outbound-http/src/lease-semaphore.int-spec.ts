import { randomUUID } from 'node:crypto';
import IORedis, { type Redis } from 'ioredis';
import { testInfra } from '@sp/testing';
import { LeaseSemaphore } from './lease-semaphore';

// Against the local platform's Redis: the lease set is shared by every instance.
describe('LeaseSemaphore (per-target in-flight limit in Redis)', () => {
  let redis: Redis;
  const prefix = `test-${randomUUID()}:in-flight`;

  beforeAll(() => {
    redis = new IORedis(testInfra.redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('holds at most the limit per target across instances; a release frees a place; targets are independent', async () => {
    const one = new LeaseSemaphore(redis, prefix, 2, 60_000);
    const two = new LeaseSemaphore(redis, prefix, 2, 60_000);
    expect(await one.acquire('slow', 'job-1')).toBe(true);
    expect(await two.acquire('slow', 'job-2')).toBe(true);
    expect(await one.acquire('slow', 'job-3')).toBe(false);
    expect(await two.acquire('fast', 'job-4')).toBe(true);
    await one.release('slow', 'job-1');
    expect(await two.acquire('slow', 'job-3')).toBe(true);
    expect(await redis.zcard(`${prefix}:slow`)).toBe(2);
  });

  it('a lease past its expiry (a crashed holder) frees its place', async () => {
    const short = new LeaseSemaphore(redis, prefix, 1, 50);
    expect(await short.acquire('crashy', 'crashed-job')).toBe(true);
    expect(await short.acquire('crashy', 'next-job')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await short.acquire('crashy', 'next-job')).toBe(true);
    expect(await redis.pttl(`${prefix}:crashy`)).toBeGreaterThan(0);
  });
});
