import { count, disclose, plain, rate, statistic } from './disclosure';

describe('small-number suppression', () => {
  const suppressed = { exact: false };
  const exact = { exact: true };

  it('shows 0 and counts of 5 or more, suppresses 1 to 4', () => {
    const row = disclose(
      { service: 's-1' },
      [
        ['zero', count(0)],
        ['one', count(1)],
        ['four', count(4)],
        ['five', count(5)],
      ],
      suppressed,
    );
    expect(row).toEqual({
      group: { service: 's-1' },
      measures: { zero: 0, one: null, four: null, five: 5 },
      suppressed: ['one', 'four'],
    });
  });

  it('suppresses a rate whose numerator or denominator is 1 to 4, not one over 0 and 5+', () => {
    const row = disclose(
      {},
      [
        ['smallNumerator', rate(4, 10)],
        ['smallDenominator', rate(0, 3)],
        ['fine', rate(5, 8)],
        ['zeroOverMany', rate(0, 9)],
        ['noDenominator', rate(0, 0)],
      ],
      suppressed,
    );
    expect(row.measures).toEqual({
      smallNumerator: null,
      smallDenominator: null,
      fine: 0.625,
      zeroOverMany: 0,
      noDenominator: null,
    });
    expect(row.suppressed).toEqual(['smallNumerator', 'smallDenominator']);
  });

  it('suppresses a statistic over 1 to 4 values; never a plain figure', () => {
    const row = disclose(
      {},
      [
        ['median4', statistic(2.5, 4)],
        ['median5', statistic(2.5, 5)],
        ['population', plain(0.02)],
      ],
      suppressed,
    );
    expect(row.measures).toEqual({ median4: null, median5: 2.5, population: 0.02 });
    expect(row.suppressed).toEqual(['median4']);
  });

  it('shows everything exactly under the exact policy (ops)', () => {
    const row = disclose(
      {},
      [
        ['one', count(1)],
        ['r', rate(1, 3)],
        ['m', statistic(7, 2)],
      ],
      exact,
    );
    expect(row).toEqual({ group: {}, measures: { one: 1, r: 0.333, m: 7 }, suppressed: [] });
  });
});
