import { delayAfter, parseRetrySchedule, PUBLISHED_SCHEDULE_MS, totalAttempts } from './retry-schedule';
import { WebhooksConfigProperties } from '../webhooks.config';

describe('webhook retry schedule', () => {
  it('is by default the published one: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    const schedule = parseRetrySchedule(WebhooksConfigProperties.WEBHOOK_RETRY_SCHEDULE_MS.default);
    expect(schedule.delaysMs).toEqual(PUBLISHED_SCHEDULE_MS);
    expect(schedule.delaysMs.map((ms) => ms / 1000)).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(totalAttempts(schedule)).toBe(8);
  });

  it('gives the delay before each retry by failed attempts so far, then none', () => {
    const schedule = parseRetrySchedule('100, 200,300');
    expect(delayAfter(schedule, 1)).toBe(100);
    expect(delayAfter(schedule, 2)).toBe(200);
    expect(delayAfter(schedule, 3)).toBe(300);
    expect(delayAfter(schedule, 4)).toBeUndefined();
    expect(delayAfter(schedule, 0)).toBeUndefined();
  });

  it('refuses anything but millisecond integers', () => {
    expect(() => parseRetrySchedule('5s,10')).toThrow(/5s/);
    expect(() => parseRetrySchedule('-1')).toThrow();
    expect(() => parseRetrySchedule('')).toThrow();
  });
});
