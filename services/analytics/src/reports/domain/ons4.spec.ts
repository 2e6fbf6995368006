import { bandMove, wellbeingBand } from './ons4';

describe('ONS4 threshold bands (0 worst .. 3 best)', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 1],
    [6, 1],
    [7, 2],
    [8, 2],
    [9, 3],
    [10, 3],
  ])(
    'life satisfaction, worthwhile, happiness: %i is band %i (low 0-4, medium 5-6, high 7-8, very high 9-10)',
    (score, band) => {
      expect(wellbeingBand('lifeSatisfaction', score)).toBe(band);
      expect(wellbeingBand('worthwhile', score)).toBe(band);
      expect(wellbeingBand('happiness', score)).toBe(band);
    },
  );

  it.each([
    [0, 3],
    [1, 3],
    [2, 2],
    [3, 2],
    [4, 1],
    [5, 1],
    [6, 0],
    [10, 0],
  ])('anxiety (reversed): %i is band %i (very low 0-1, low 2-3, medium 4-5, high 6-10)', (score, band) => {
    expect(wellbeingBand('anxiety', score)).toBe(band);
  });

  it('calls a fall in anxiety across a threshold an improvement', () => {
    const before = { lifeSatisfaction: 4, worthwhile: 5, happiness: 5, anxiety: 6 };
    const after = { lifeSatisfaction: 5, worthwhile: 4, happiness: 6, anxiety: 5 };
    expect(bandMove('anxiety', before, after)).toBe('improved');
    expect(bandMove('lifeSatisfaction', before, after)).toBe('improved');
    expect(bandMove('worthwhile', before, after)).toBe('worsened');
    expect(bandMove('happiness', before, after)).toBe('same');
  });
});
