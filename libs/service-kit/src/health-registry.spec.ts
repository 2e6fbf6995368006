import { HealthRegistry } from './health-registry';

describe('HealthRegistry', () => {
  it('is ok with no checks, and ok only when every check passes', async () => {
    const registry = new HealthRegistry();
    expect(await registry.run()).toEqual({ ok: true, checks: {} });
    registry.register('mongo', async () => ({ ok: true }));
    registry.register('redis', async () => ({ ok: false, detail: 'not connected' }));
    expect(await registry.run()).toEqual({
      ok: false,
      checks: { mongo: { ok: true }, redis: { ok: false, detail: 'not connected' } },
    });
  });

  it('counts a throwing check as failed without echoing the error', async () => {
    const registry = new HealthRegistry();
    registry.register('db', async () => {
      throw new Error('auth failed for admin:secret@db');
    });
    const report = await registry.run();
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain('secret');
  });

  it('counts a hung check as failed after the timeout', async () => {
    const registry = new HealthRegistry();
    registry.register('hung', () => new Promise(() => undefined));
    expect(await registry.run(20)).toEqual({
      ok: false,
      checks: { hung: { ok: false, detail: 'no answer within 20 ms' } },
    });
  });

  it('refuses two checks with one name', () => {
    const registry = new HealthRegistry();
    registry.register('x', async () => ({ ok: true }));
    expect(() => registry.register('x', async () => ({ ok: true }))).toThrow(/already registered/);
  });
});
