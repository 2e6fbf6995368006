// UK postcodes at intake: validated and normalised before they are stored (patient address data,
// kept in this service only). The same rules as the organisations service's postcode table (an
// outward code "TS1", "SW1A", "M1" and a three-character inward code "2AD"); services never import
// each other, so the two small functions are repeated here.

const COMPACT = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;

/** Upper-case, no spaces ("TS12AD"): the deprivation table's key. Null when the text is not a UK postcode. */
export function compactPostcode(text: string): string | null {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return COMPACT.test(compact) ? compact : null;
}

/** The display form with one space before the inward code ("TS1 2AD"), or null. */
export function formatPostcode(text: string): string | null {
  const compact = compactPostcode(text);
  return compact === null ? null : `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}
