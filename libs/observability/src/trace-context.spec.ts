import { traceContext } from './trace-context';

describe('traceContext', () => {
  it('is undefined outside a run', () => {
    expect(traceContext.current()).toBeUndefined();
  });

  it('follows the work across awaits, timers, promises and emitters started inside the run', async () => {
    const seen: Array<string | undefined> = [];
    const result = await traceContext.run({ correlationId: 'c-1' }, async () => {
      await Promise.resolve();
      seen.push(traceContext.current()?.correlationId);
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(traceContext.current()?.correlationId);
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
      seen.push(traceContext.current()?.correlationId);
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual(['c-1', 'c-1', 'c-1']);
    expect(traceContext.current()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const probe = (id: string, delay: number) =>
      traceContext.run({ correlationId: id, causationId: `cause-${id}` }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return traceContext.current();
      });
    const [a, b] = await Promise.all([probe('a', 5), probe('b', 1)]);
    expect(a).toEqual({ correlationId: 'a', causationId: 'cause-a' });
    expect(b).toEqual({ correlationId: 'b', causationId: 'cause-b' });
  });

  it('lets a nested run shadow the outer context and restores it afterwards', () => {
    traceContext.run({ correlationId: 'outer' }, () => {
      traceContext.run({ correlationId: 'inner' }, () => {
        expect(traceContext.current()?.correlationId).toBe('inner');
      });
      expect(traceContext.current()?.correlationId).toBe('outer');
    });
  });
});
