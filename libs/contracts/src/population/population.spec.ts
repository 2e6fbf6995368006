import { AGE_BANDS, ageBandOf } from './population';

describe('ageBandOf', () => {
  it.each([
    [0, '0-17'],
    [17, '0-17'],
    [18, '18-24'],
    [24, '18-24'],
    [25, '25-34'],
    [34, '25-34'],
    [35, '35-44'],
    [64, '55-64'],
    [65, '65-74'],
    [84, '75-84'],
    [85, '85+'],
    [110, '85+'],
  ])('puts age %i in band %s', (age, band) => {
    expect(ageBandOf(age)).toBe(band);
  });

  it('only ever answers a published band', () => {
    for (let age = 0; age <= 120; age += 1) expect(AGE_BANDS).toContain(ageBandOf(age));
  });
});
