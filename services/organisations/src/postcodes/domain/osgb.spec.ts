import { haversineKm } from './postcode';
import { gridToOsgb36, gridToWgs84 } from './osgb';

const dms = (d: number, m: number, s: number) => d + m / 60 + s / 3600;

describe('OS National Grid to latitude/longitude', () => {
  it('reproduces the Ordnance Survey worked example (Caister Water Tower) on OSGB36', () => {
    // "A guide to coordinate systems in Great Britain", annex C: E 651409.903, N 313177.270.
    const p = gridToOsgb36(651409.903, 313177.27);
    expect(p.latitude).toBeCloseTo(dms(52, 39, 27.2531), 6);
    expect(p.longitude).toBeCloseTo(dms(1, 43, 4.5177), 6);
  });

  it('puts SW1A 1AA (Code-Point Open 529090, 179645) within 5 m of its ONSPD WGS84 position', () => {
    const p = gridToWgs84(529090, 179645);
    expect(haversineKm(p, { latitude: 51.501009, longitude: -0.141588 })).toBeLessThan(0.005);
  });

  it('shifts OSGB36 by the expected ~100 m to reach WGS84 (west and slightly north in England)', () => {
    const osgb = gridToOsgb36(450000, 520000);
    const wgs = gridToWgs84(450000, 520000);
    expect(wgs.longitude).toBeLessThan(osgb.longitude); // WGS84 longitudes are ~0.0015 deg more westerly
    expect(haversineKm(osgb, wgs)).toBeGreaterThan(0.05);
    expect(haversineKm(osgb, wgs)).toBeLessThan(0.2);
  });
});
