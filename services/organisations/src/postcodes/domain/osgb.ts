// OS National Grid (OSGB36 eastings/northings, as in OS Code-Point Open) to WGS84 latitude/longitude.
//
// Two standard steps, as in the Ordnance Survey's "A guide to coordinate systems in Great Britain":
// 1. Inverse transverse Mercator on the Airy 1830 ellipsoid (National Grid projection constants)
//    gives OSGB36 latitude/longitude. Exact to well under a millimetre.
// 2. A 7-parameter Helmert transformation OSGB36 -> WGS84 (via cartesian coordinates). The OS
//    quotes this single transformation as good to about 5 m across Great Britain (the exact answer
//    needs the OSTN15 grid, which we do not ship): plenty for postcode-level distances.
import type { LatLong } from './postcode';

interface Ellipsoid {
  a: number;
  b: number;
}

const AIRY_1830: Ellipsoid = { a: 6377563.396, b: 6356256.909 };
const WGS84: Ellipsoid = { a: 6378137, b: 6356752.314245 };

// National Grid true origin and scale.
const F0 = 0.9996012717;
const PHI0 = (49 * Math.PI) / 180;
const LAMBDA0 = (-2 * Math.PI) / 180;
const E0 = 400000;
const N0 = -100000;

/**
 * OSGB36 -> WGS84 Helmert parameters (metres, ppm, arc-seconds): the OS's WGS84 -> OSGB36 set
 * (tx -446.448, ty +125.157, tz -542.060, s +20.4894, rx -0.1502, ry -0.2470, rz -0.8421) negated.
 */
const HELMERT = { tx: 446.448, ty: -125.157, tz: 542.06, s: -20.4894, rx: 0.1502, ry: 0.247, rz: 0.8421 };

function meridionalArc(phi: number, { a, b }: Ellipsoid): number {
  const n = (a - b) / (a + b);
  const n2 = n * n;
  const n3 = n2 * n;
  const dPhi = phi - PHI0;
  const sPhi = phi + PHI0;
  return (
    b *
    F0 *
    ((1 + n + (5 / 4) * n2 + (5 / 4) * n3) * dPhi -
      (3 * n + 3 * n2 + (21 / 8) * n3) * Math.sin(dPhi) * Math.cos(sPhi) +
      ((15 / 8) * n2 + (15 / 8) * n3) * Math.sin(2 * dPhi) * Math.cos(2 * sPhi) -
      (35 / 24) * n3 * Math.sin(3 * dPhi) * Math.cos(3 * sPhi))
  );
}

/** Step 1: National Grid eastings/northings to OSGB36 latitude/longitude in degrees. */
export function gridToOsgb36(easting: number, northing: number): LatLong {
  const { a, b } = AIRY_1830;
  const e2 = 1 - (b * b) / (a * a);
  let phi = PHI0;
  let m = 0;
  do {
    phi = (northing - N0 - m) / (a * F0) + phi;
    m = meridionalArc(phi, AIRY_1830);
  } while (Math.abs(northing - N0 - m) >= 0.00001);

  const sinPhi = Math.sin(phi);
  const nu = (a * F0) / Math.sqrt(1 - e2 * sinPhi * sinPhi);
  const rho = (a * F0 * (1 - e2)) / Math.pow(1 - e2 * sinPhi * sinPhi, 1.5);
  const eta2 = nu / rho - 1;
  const tan = Math.tan(phi);
  const tan2 = tan * tan;
  const tan4 = tan2 * tan2;
  const tan6 = tan4 * tan2;
  const sec = 1 / Math.cos(phi);
  const nu3 = nu * nu * nu;
  const nu5 = nu3 * nu * nu;
  const nu7 = nu5 * nu * nu;
  const VII = tan / (2 * rho * nu);
  const VIII = (tan / (24 * rho * nu3)) * (5 + 3 * tan2 + eta2 - 9 * tan2 * eta2);
  const IX = (tan / (720 * rho * nu5)) * (61 + 90 * tan2 + 45 * tan4);
  const X = sec / nu;
  const XI = (sec / (6 * nu3)) * (nu / rho + 2 * tan2);
  const XII = (sec / (120 * nu5)) * (5 + 28 * tan2 + 24 * tan4);
  const XIIA = (sec / (5040 * nu7)) * (61 + 662 * tan2 + 1320 * tan4 + 720 * tan6);
  const dE = easting - E0;
  const lat = phi - VII * dE ** 2 + VIII * dE ** 4 - IX * dE ** 6;
  const lon = LAMBDA0 + X * dE - XI * dE ** 3 + XII * dE ** 5 - XIIA * dE ** 7;
  return { latitude: (lat * 180) / Math.PI, longitude: (lon * 180) / Math.PI };
}

function toCartesian({ latitude, longitude }: LatLong, { a, b }: Ellipsoid): [number, number, number] {
  const phi = (latitude * Math.PI) / 180;
  const lambda = (longitude * Math.PI) / 180;
  const e2 = 1 - (b * b) / (a * a);
  const nu = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
  return [
    nu * Math.cos(phi) * Math.cos(lambda),
    nu * Math.cos(phi) * Math.sin(lambda),
    nu * (1 - e2) * Math.sin(phi),
  ];
}

function fromCartesian([x, y, z]: [number, number, number], { a, b }: Ellipsoid): LatLong {
  const e2 = 1 - (b * b) / (a * a);
  const p = Math.sqrt(x * x + y * y);
  let phi = Math.atan2(z, p * (1 - e2));
  for (let i = 0; i < 10; i += 1) {
    const nu = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
    const next = Math.atan2(z + e2 * nu * Math.sin(phi), p);
    if (Math.abs(next - phi) < 1e-12) {
      phi = next;
      break;
    }
    phi = next;
  }
  return { latitude: (phi * 180) / Math.PI, longitude: (Math.atan2(y, x) * 180) / Math.PI };
}

/** Step 2: OSGB36 latitude/longitude to WGS84 (Helmert, about 5 m). */
export function osgb36ToWgs84(point: LatLong): LatLong {
  const [x, y, z] = toCartesian(point, AIRY_1830);
  const sec = Math.PI / (180 * 3600);
  const s = HELMERT.s * 1e-6;
  const rx = HELMERT.rx * sec;
  const ry = HELMERT.ry * sec;
  const rz = HELMERT.rz * sec;
  const x2 = HELMERT.tx + (1 + s) * x - rz * y + ry * z;
  const y2 = HELMERT.ty + rz * x + (1 + s) * y - rx * z;
  const z2 = HELMERT.tz - ry * x + rx * y + (1 + s) * z;
  return fromCartesian([x2, y2, z2], WGS84);
}

/** National Grid eastings/northings (metres) to WGS84 latitude/longitude (degrees), about 5 m. */
export function gridToWgs84(easting: number, northing: number): LatLong {
  return osgb36ToWgs84(gridToOsgb36(easting, northing));
}
