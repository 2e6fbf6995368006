import { compactPostcode, formatPostcode } from './postcode';

describe('UK postcode at intake', () => {
  it('ignores case and spacing', () => {
    expect(compactPostcode(' ts1  1aa')).toBe('TS11AA');
    expect(formatPostcode('ts11aa')).toBe('TS1 1AA');
    expect(formatPostcode('SW1A1AA')).toBe('SW1A 1AA');
    expect(formatPostcode('m1 1ae')).toBe('M1 1AE');
  });

  it('refuses what is not a postcode', () => {
    for (const text of ['', 'TS1', '123 456', 'TS1 1A', 'TS1-1AA', 'QQQ1 1AA']) {
      expect(compactPostcode(text)).toBeNull();
      expect(formatPostcode(text)).toBeNull();
    }
  });
});
