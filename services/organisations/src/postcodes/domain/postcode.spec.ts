import { compactPostcode, formatPostcode, haversineKm } from './postcode';
import { onspdColumns, parseCodePointRow, parseOnspdRow, splitCsvLine } from './postcode-rows';

describe('postcode normalisation', () => {
  it.each([
    ['TS1 2AD', 'TS12AD', 'TS1 2AD'],
    [' ts1  2ad ', 'TS12AD', 'TS1 2AD'],
    ['ts12ad', 'TS12AD', 'TS1 2AD'],
    ['SW1A1AA', 'SW1A1AA', 'SW1A 1AA'],
    ['m1 1ae', 'M11AE', 'M1 1AE'],
    ['TS26 8AA', 'TS268AA', 'TS26 8AA'],
  ])('%p -> key %p, display %p', (input, compact, display) => {
    expect(compactPostcode(input)).toBe(compact);
    expect(formatPostcode(input)).toBe(display);
  });

  it.each(['', 'TS1', 'not a postcode', '12345', 'TS1 2A', 'TSS1 2AD1'])('rejects %p', (input) => {
    expect(compactPostcode(input)).toBeNull();
    expect(formatPostcode(input)).toBeNull();
  });
});

describe('haversine distance', () => {
  it('measures Middlesbrough to Stockton at about 5.5 km and London to Manchester at about 262 km', () => {
    expect(
      haversineKm({ latitude: 54.576, longitude: -1.2348 }, { latitude: 54.57, longitude: -1.318 }),
    ).toBeCloseTo(5.4, 0);
    expect(
      haversineKm({ latitude: 51.501, longitude: -0.1416 }, { latitude: 53.4808, longitude: -2.2426 }),
    ).toBeGreaterThan(255);
  });
});

describe('postcode directory rows', () => {
  it('splits quoted CSV fields', () => {
    expect(splitCsvLine('"TS1 2AD","54.576","-1.2348",x')).toEqual(['TS1 2AD', '54.576', '-1.2348', 'x']);
    expect(splitCsvLine('"a ""b""",c')).toEqual(['a "b"', 'c']);
  });

  it('reads ONSPD rows by header and skips rows without a grid reference', () => {
    const columns = onspdColumns(['pcd', 'pcd2', 'PCDS', 'lat', 'long']);
    expect(columns).toEqual({ pcds: 2, lat: 3, long: 4 });
    expect(parseOnspdRow(['TS1 2AD', 'TS1  2AD', 'TS1 2AD', '54.576', '-1.2348'], columns!)).toEqual({
      row: { id: 'TS12AD', postcode: 'TS1 2AD', latitude: 54.576, longitude: -1.2348 },
    });
    expect(parseOnspdRow(['x', 'x', 'ZZ9 9ZZ', '99.999999', '0.000000'], columns!)).toEqual({
      skip: 'no_coordinates',
    });
    expect(parseOnspdRow(['x', 'x', 'nonsense', '54', '-1'], columns!)).toEqual({ skip: 'bad_postcode' });
    expect(onspdColumns(['pcd', 'lat'])).toBeNull();
  });

  it('converts Code-Point Open eastings/northings and skips quality-90 rows', () => {
    const out = parseCodePointRow(['SW1A1AA', '10', '529090', '179645', 'E92000001']);
    expect(out).toMatchObject({ row: { id: 'SW1A1AA', postcode: 'SW1A 1AA' } });
    if (!('row' in out)) throw new Error('expected a row');
    expect(out.row.latitude).toBeCloseTo(51.50101, 4);
    expect(out.row.longitude).toBeCloseTo(-0.14159, 4);
    expect(parseCodePointRow(['TS1 9ZZ', '90', '0', '0'])).toEqual({ skip: 'no_coordinates' });
    expect(parseCodePointRow(['TS1 9ZZ'])).toEqual({ skip: 'malformed' });
  });
});
