import { Counter } from 'prom-client';
import { counter, gauge, histogram, metricsRegistry } from './metrics';

describe('metricsRegistry helpers', () => {
  it('collects the default Node metrics', async () => {
    expect(await metricsRegistry.metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('returns the same metric for the same name, so several libraries can share it', async () => {
    const a = counter({ name: 'test_shared_total', help: 'shared', labelNames: ['kind'] });
    const b = counter({ name: 'test_shared_total', help: 'shared again', labelNames: ['kind'] });
    expect(b).toBe(a);
    a.inc({ kind: 'x' });
    b.inc({ kind: 'x' }, 2);
    expect(await metricsRegistry.metrics()).toContain('test_shared_total{kind="x"} 3');
    expect(a).toBeInstanceOf(Counter);
  });

  it('supports gauges with async collectors and histograms', async () => {
    gauge({
      name: 'test_backlog',
      help: 'backlog',
      async collect() {
        this.set(await Promise.resolve(7));
      },
    });
    histogram({ name: 'test_duration_seconds', help: 'duration', buckets: [0.1, 1] }).observe(0.5);
    const text = await metricsRegistry.metrics();
    expect(text).toContain('test_backlog 7');
    expect(text).toContain('test_duration_seconds_bucket{le="1"} 1');
  });

  it('refuses to reuse a name for a different kind of metric', () => {
    counter({ name: 'test_kind_clash', help: 'c' });
    expect(() => gauge({ name: 'test_kind_clash', help: 'g' })).toThrow(/different kind/);
  });
});
