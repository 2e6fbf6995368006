import { imdColumns, onspdColumns, parseImdRow, parseOnspdRow } from './deprivation-rows';

describe('deprivation table rows', () => {
  const imdHeader = [
    'LSOA code (2011)',
    'LSOA name (2011)',
    'Local Authority District code (2019)',
    'Local Authority District name (2019)',
    'Index of Multiple Deprivation (IMD) Rank',
    'Index of Multiple Deprivation (IMD) Decile',
  ];

  it("finds File 1's columns, with or without the decile's explanatory suffix", () => {
    expect(imdColumns(imdHeader)).toEqual({ lsoa: 0, decile: 5 });
    expect(
      imdColumns([
        'LSOA code (2011)',
        'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
      ]),
    ).toEqual({ lsoa: 0, decile: 1 });
    expect(imdColumns(['LSOA code (2011)', 'Index of Multiple Deprivation (IMD) Rank'])).toBeNull();
  });

  it('reads an English LSOA and its decile, and skips anything else', () => {
    const cols = { lsoa: 0, decile: 5 };
    expect(parseImdRow(['E01012000', 'Middlesbrough 001A', '', '', '2001', '1'], cols)).toEqual({
      lsoa: 'E01012000',
      decile: 1,
    });
    expect(parseImdRow(['W01001850', '', '', '', '1', '1'], cols)).toEqual({ skip: 'malformed' });
    expect(parseImdRow(['E01012000', '', '', '', '1', '11'], cols)).toEqual({ skip: 'malformed' });
    expect(parseImdRow(['E01012000', '', '', '', '1', '2.5'], cols)).toEqual({ skip: 'malformed' });
    expect(parseImdRow(['E01012000'], cols)).toEqual({ skip: 'malformed' });
  });

  it("finds the ONSPD's pcds and lsoa11 columns", () => {
    expect(onspdColumns(['pcd', 'pcd2', 'PCDS', 'lsoa11', 'lsoa21'])).toEqual({ pcds: 2, lsoa11: 3 });
    expect(onspdColumns(['pcds', 'lsoa21'])).toBeNull();
  });

  it('joins a postcode to its LSOA decile, skipping postcodes without one', () => {
    const cols = { pcds: 0, lsoa11: 1 };
    const deciles = new Map([['E01012000', 1]]);
    expect(parseOnspdRow(['ts1 2ad', 'E01012000'], cols, deciles)).toEqual({
      row: { id: 'TS12AD', postcode: 'TS1 2AD', lsoa11: 'E01012000', imdDecile: 1 },
    });
    expect(parseOnspdRow(['CF10 1AA', 'W01001850'], cols, deciles)).toEqual({ skip: 'not_in_imd' });
    expect(parseOnspdRow(['TS1 9ZZ', ''], cols, deciles)).toEqual({ skip: 'no_lsoa' });
    expect(parseOnspdRow(['nowhere', 'E01012000'], cols, deciles)).toEqual({ skip: 'bad_postcode' });
    expect(parseOnspdRow(['TS1 2AD'], cols, deciles)).toEqual({ skip: 'malformed' });
  });
});
