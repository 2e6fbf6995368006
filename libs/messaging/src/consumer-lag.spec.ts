import { nextOffset, partitionLag } from './consumer-lag';

describe('consumer lag', () => {
  it('is the high watermark minus the committed offset', () => {
    expect(partitionLag({ high: '120', committed: '100' })).toBe(20);
  });

  it('uses what this process has processed when it is ahead of the last commit', () => {
    expect(partitionLag({ high: '120', committed: '100', lastProcessed: '109' })).toBe(10);
    expect(nextOffset({ high: '120', committed: '100', lastProcessed: '109' })).toBe(110);
  });

  it('keeps the commit when it is ahead (another member processed more after a rebalance)', () => {
    expect(partitionLag({ high: '120', committed: '115', lastProcessed: '50' })).toBe(5);
  });

  it('counts the whole retained log when the group has no commit ("-1") and processed nothing', () => {
    expect(partitionLag({ high: '120', low: '20', committed: '-1' })).toBe(100);
    expect(partitionLag({ high: '7' })).toBe(7);
  });

  it('is zero when caught up and never negative', () => {
    expect(partitionLag({ high: '120', lastProcessed: '119' })).toBe(0);
    expect(partitionLag({ high: '100', committed: '120' })).toBe(0);
  });
});
