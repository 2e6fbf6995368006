import { latestOns4, measureProblems, type MeasureFacts } from './wellbeing.rules';

const now = new Date('2026-12-03T10:00:00Z');

describe('wellbeing measures: rules', () => {
  it('refuses a measure taken in the future (beyond the clock tolerance), naming takenAt', () => {
    expect(
      measureProblems({ takenAt: new Date('2026-12-04T10:00:00Z') }, now).map((p) => [p.field, p.code]),
    ).toEqual([['takenAt', 'in_future']]);
    expect(measureProblems({ takenAt: now }, now)).toEqual([]);
    expect(measureProblems({ takenAt: new Date('2026-12-03T10:01:00Z') }, now)).toEqual([]);
  });

  it('the ONS4 measure standing for a timepoint is the one taken last', () => {
    const m = (
      id: string,
      takenAt: string,
      createdAt: string,
      extra: Partial<MeasureFacts> = {},
    ): MeasureFacts & { id: string } => ({
      id,
      instrument: 'ons4',
      timepoint: 'baseline',
      takenAt: new Date(takenAt),
      createdAt: new Date(createdAt),
      ...extra,
    });
    const measures = [
      m('a', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z'),
      m('b', '2026-12-02T10:00:00Z', '2026-12-02T10:00:00Z'),
      m('late-entry-of-older', '2026-11-30T10:00:00Z', '2026-12-03T09:00:00Z'),
      m('mycaw', '2026-12-03T09:00:00Z', '2026-12-03T09:00:00Z', { instrument: 'mycaw' }),
      m('follow', '2026-12-03T09:00:00Z', '2026-12-03T09:00:00Z', { timepoint: 'follow-up' }),
      m('b-again', '2026-12-02T10:00:00Z', '2026-12-02T11:00:00Z'),
    ];
    expect(latestOns4(measures, 'baseline')?.id).toBe('b-again');
    expect(latestOns4(measures, 'follow-up')?.id).toBe('follow');
    expect(latestOns4([], 'baseline')).toBeUndefined();
  });
});
