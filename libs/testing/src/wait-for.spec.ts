import { StopWaiting, waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first answer, polling until the probe has one', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats undefined, null and false as "not yet" but 0 and empty string as answers', async () => {
    const answers: unknown[] = [undefined, null, false, 0];
    expect(await waitFor(() => answers.shift() as number | undefined, { intervalMs: 1 })).toBe(0);
    expect(await waitFor(() => '', { intervalMs: 1 })).toBe('');
  });

  it('awaits async probes and retries a probe that throws', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('not connected');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('times out with the description and the last value seen', async () => {
    let n = 0;
    await expect(
      waitFor(() => (n++, false), { timeoutMs: 50, intervalMs: 5, description: 'the counter to move' }),
    ).rejects.toThrow(
      /Timed out after 50 ms waiting for the counter to move \(\d+ attempts; last value: false\)/,
    );
    expect(n).toBeGreaterThan(1);
  });

  it('times out with the last error seen, kept as the cause', async () => {
    const error = await waitFor(
      () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'kafka' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /waiting for kafka .*last error: Error: connect ECONNREFUSED 127\.0\.0\.1:9092/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('does not let a hanging probe outlive the timeout', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => new Promise<never>(() => undefined), { timeoutMs: 50, description: 'a hung probe' }),
    ).rejects.toThrow(/waiting for a hung probe .*no probe finished in time/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops at once when the probe throws StopWaiting', async () => {
    let calls = 0;
    await expect(
      waitFor(
        () => {
          calls += 1;
          throw new StopWaiting('service exited with 1');
        },
        { timeoutMs: 5_000, intervalMs: 1 },
      ),
    ).rejects.toThrow('service exited with 1');
    expect(calls).toBe(1);
  });
});
