// UK postcodes: normalisation for storage and lookup. A postcode is an outward code (area letters,
// district digits, optional letter: "TS1", "SW1A", "M1") and a three-character inward code ("2AD").
// Lookups ignore case and spacing: " ts1  2ad", "TS12AD" and "TS1 2AD" are the same postcode.

const COMPACT = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;

/** Upper-case, no spaces ("TS12AD"): the storage key. Null when the text is not a UK postcode. */
export function compactPostcode(text: string): string | null {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return COMPACT.test(compact) ? compact : null;
}

/** The display form with one space before the inward code ("TS1 2AD"), or null. */
export function formatPostcode(text: string): string | null {
  const compact = compactPostcode(text);
  return compact === null ? null : `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

export interface LatLong {
  latitude: number;
  longitude: number;
}

export function isValidLatLong(p: LatLong): boolean {
  return (
    Number.isFinite(p.latitude) &&
    Number.isFinite(p.longitude) &&
    Math.abs(p.latitude) <= 90 &&
    Math.abs(p.longitude) <= 180
  );
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine, mean Earth radius): well within 0.5% for our purposes. */
export function haversineKm(a: LatLong, b: LatLong): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
