import { quietHoursEnd } from './quiet-hours';

const night = { start: '21:00', end: '08:00' };
const at = (iso: string) => new Date(iso);

describe('quietHoursEnd (Europe/London)', () => {
  it('lets a message go outside the quiet hours, or when there are none', () => {
    expect(quietHoursEnd(at('2026-12-03T12:00:00Z'), night)).toBeUndefined();
    expect(quietHoursEnd(at('2026-12-03T20:59:00Z'), night)).toBeUndefined();
    expect(quietHoursEnd(at('2026-12-03T08:00:00Z'), night)).toBeUndefined();
    expect(quietHoursEnd(at('2026-12-03T23:00:00Z'), null)).toBeUndefined();
  });

  it('holds a winter (GMT) evening message until 08:00 the next morning', () => {
    expect(quietHoursEnd(at('2026-12-03T21:00:00Z'), night)).toEqual(at('2026-12-04T08:00:00Z'));
    expect(quietHoursEnd(at('2026-12-03T23:59:00Z'), night)).toEqual(at('2026-12-04T08:00:00Z'));
  });

  it('holds an early-morning message until 08:00 the same day', () => {
    expect(quietHoursEnd(at('2026-12-04T03:00:00Z'), night)).toEqual(at('2026-12-04T08:00:00Z'));
    expect(quietHoursEnd(at('2026-12-04T07:59:00Z'), night)).toEqual(at('2026-12-04T08:00:00Z'));
  });

  it('follows British Summer Time: 21:00-08:00 BST is 20:00-07:00 UTC', () => {
    expect(quietHoursEnd(at('2026-07-01T19:59:00Z'), night)).toBeUndefined();
    expect(quietHoursEnd(at('2026-07-01T20:00:00Z'), night)).toEqual(at('2026-07-02T07:00:00Z'));
    expect(quietHoursEnd(at('2026-07-02T06:30:00Z'), night)).toEqual(at('2026-07-02T07:00:00Z'));
    expect(quietHoursEnd(at('2026-07-02T07:00:00Z'), night)).toBeUndefined();
  });

  it('ends at 08:00 BST on the night the clocks go forward (29 March 2026)', () => {
    // 22:00 GMT on Saturday; the clocks go forward at 01:00 UTC; 08:00 BST is 07:00 UTC.
    expect(quietHoursEnd(at('2026-03-28T22:00:00Z'), night)).toEqual(at('2026-03-29T07:00:00Z'));
  });

  it('ends at 08:00 GMT on the night the clocks go back (25 October 2026)', () => {
    // 22:00 BST (21:00 UTC) on Saturday; the clocks go back at 01:00 UTC; 08:00 GMT is 08:00 UTC.
    expect(quietHoursEnd(at('2026-10-24T21:00:00Z'), night)).toEqual(at('2026-10-25T08:00:00Z'));
    expect(quietHoursEnd(at('2026-10-25T01:30:00Z'), night)).toEqual(at('2026-10-25T08:00:00Z'));
  });

  it('handles a window within one day, and an empty window', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(quietHoursEnd(at('2026-12-03T13:00:00Z'), lunch)).toEqual(at('2026-12-03T14:00:00Z'));
    expect(quietHoursEnd(at('2026-12-03T14:00:00Z'), lunch)).toBeUndefined();
    expect(quietHoursEnd(at('2026-12-03T11:59:00Z'), lunch)).toBeUndefined();
    expect(quietHoursEnd(at('2026-12-03T13:00:00Z'), { start: '09:00', end: '09:00' })).toBeUndefined();
  });
});
