import { GroupCommit } from './group-commit';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('hands each write the callers’ requests separately and settles each caller with its own outcome', async () => {
    const writes: string[][][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<string>(
      async (requests) => {
        writes.push(requests);
        if (writes.length === 1) await firstWrite;
        return requests.map((items) =>
          items.includes('bad') ? new Error(`refused ${items.join('+')}`) : undefined,
        );
      },
      { maxInFlight: 1 },
    );
    const lone = commit.submit(['a']);
    await tick();
    const outcomes = [commit.submit(['b', 'c']), commit.submit(['bad']), commit.submit(['d'])].map((p) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    release();
    await lone;
    expect(await Promise.all(outcomes)).toEqual(['ok', 'refused bad', 'ok']);
    expect(writes).toEqual([[['a']], [['b', 'c'], ['bad'], ['d']]]);
    expect(commit.stats()).toEqual({ batches: 2, items: 4, waiting: 0, inFlight: 0 });
  });

  it('rejects every caller of a batch whose write throws, and keeps going with the next batch', async () => {
    let fail = true;
    const commit = new GroupCommit<number>(async (requests) => {
      if (fail) {
        fail = false;
        throw new Error('down');
      }
      return requests.map(() => undefined);
    });
    await expect(commit.submit([1])).rejects.toThrow('down');
    await expect(commit.submit([2])).resolves.toBeUndefined();
    await expect(commit.submit([])).resolves.toBeUndefined();
  });
});
