// Parsing one line of a postcode directory CSV into a postcode and its WGS84 position. Pure: the
// importer streams lines through these and stores what comes out.
import { gridToWgs84 } from './osgb';
import { compactPostcode, formatPostcode, isValidLatLong, type LatLong } from './postcode';

export type PostcodeFormat = 'onspd' | 'codepoint';
export const POSTCODE_FORMATS: readonly PostcodeFormat[] = ['onspd', 'codepoint'];

export interface PostcodeRow extends LatLong {
  /** Storage key: upper case, no spaces. */
  id: string;
  /** Display form, e.g. "TS1 2AD". */
  postcode: string;
}

export type RowOutcome = { row: PostcodeRow } | { skip: 'bad_postcode' | 'no_coordinates' | 'malformed' };

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines: neither format has them). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/** Column positions of an ONSPD header (pcds, lat, long); null if any is missing. */
export function onspdColumns(header: string[]): { pcds: number; lat: number; long: number } | null {
  const lower = header.map((h) => h.toLowerCase());
  const pcds = lower.indexOf('pcds');
  const lat = lower.indexOf('lat');
  const long = lower.indexOf('long');
  return pcds < 0 || lat < 0 || long < 0 ? null : { pcds, lat, long };
}

function toRow(text: string | undefined, position: LatLong): RowOutcome {
  const id = compactPostcode(text ?? '');
  const postcode = formatPostcode(text ?? '');
  if (id === null || postcode === null) return { skip: 'bad_postcode' };
  if (!isValidLatLong(position)) return { skip: 'no_coordinates' };
  return {
    row: { id, postcode, latitude: round6(position.latitude), longitude: round6(position.longitude) },
  };
}

/**
 * ONSPD data row. Postcodes without a grid reference carry latitude 99.999999 in the ONSPD: they
 * are skipped as `no_coordinates`.
 */
export function parseOnspdRow(
  fields: string[],
  columns: { pcds: number; lat: number; long: number },
): RowOutcome {
  if (fields.length <= Math.max(columns.pcds, columns.lat, columns.long)) return { skip: 'malformed' };
  const latitude = Number(fields[columns.lat]);
  const longitude = Number(fields[columns.long]);
  if (fields[columns.lat] === '' || latitude > 90) return { skip: 'no_coordinates' };
  return toRow(fields[columns.pcds], { latitude, longitude });
}

/**
 * OS Code-Point Open row (no header): postcode, positional quality, eastings, northings, ...
 * Quality 90 means "no coordinates" (eastings and northings 0): skipped.
 */
export function parseCodePointRow(fields: string[]): RowOutcome {
  if (fields.length < 4) return { skip: 'malformed' };
  const quality = Number(fields[1]);
  const easting = Number(fields[2]);
  const northing = Number(fields[3]);
  if (
    quality === 90 ||
    !Number.isFinite(easting) ||
    !Number.isFinite(northing) ||
    (easting === 0 && northing === 0)
  )
    return { skip: 'no_coordinates' };
  if (easting < 0 || easting > 800000 || northing < 0 || northing > 1400000)
    return { skip: 'no_coordinates' };
  return toRow(fields[0], gridToWgs84(easting, northing));
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
