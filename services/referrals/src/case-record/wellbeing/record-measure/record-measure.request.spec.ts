import { parseRecordMeasure } from './record-measure.request';

const fieldsOf = (fn: () => unknown): [number, string[]] => {
  try {
    fn();
  } catch (error) {
    const e = error as { status: number; problems: { field: string }[] };
    return [e.status, e.problems.map((p) => p.field).sort()];
  }
  throw new Error('expected a refusal');
};
const takenAt = '2026-12-03T09:00:00Z';

describe('wellbeing measures: request shape (400)', () => {
  it('accepts ONS4 and MYCaW measures', () => {
    const ons4 = { lifeSatisfaction: 3, worthwhile: 4, happiness: 5, anxiety: 6 };
    expect(
      parseRecordMeasure({ instrument: 'ons4', timepoint: 'baseline', takenAt, scores: ons4 }).scores,
    ).toEqual(ons4);
    const mycaw = { concern1: { description: 'Money', score: 4 }, wellbeing: 3 };
    expect(
      parseRecordMeasure({ instrument: 'mycaw', timepoint: 'follow-up', takenAt, scores: mycaw }).scores,
    ).toEqual(mycaw);
  });

  it('names every malformed field, scores checked against the instrument', () => {
    expect(
      fieldsOf(() =>
        parseRecordMeasure({ instrument: 'ons4', timepoint: 'later', takenAt, scores: { happiness: 11 } }),
      ),
    ).toEqual([
      400,
      ['scores.anxiety', 'scores.happiness', 'scores.lifeSatisfaction', 'scores.worthwhile', 'timepoint'],
    ]);
    expect(
      fieldsOf(() =>
        parseRecordMeasure({
          instrument: 'mycaw',
          timepoint: 'baseline',
          takenAt: 'soon',
          scores: {
            concern1: { description: ' ', score: 7 },
            concern2: { description: 'x'.repeat(1001), score: 2 },
            wellbeing: -1,
          },
        }),
      ),
    ).toEqual([
      400,
      [
        'scores.concern1.description',
        'scores.concern1.score',
        'scores.concern2.description',
        'scores.wellbeing',
        'takenAt',
      ],
    ]);
    expect(fieldsOf(() => parseRecordMeasure(undefined))).toEqual([
      400,
      ['instrument', 'scores', 'takenAt', 'timepoint'],
    ]);
  });
});
