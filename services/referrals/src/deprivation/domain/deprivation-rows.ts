// Rows of the two published tables behind a referral's deprivation decile: the ONS Postcode
// Directory (postcode -> LSOA 2011) and the English Indices of Deprivation 2019 File 1 (LSOA 2011
// -> IMD decile). Pure: the importer streams CSV records through these and stores what comes out.
import { compactPostcode, formatPostcode } from '../../domain/postcode';

/** An English LSOA (2011): E01 and six digits. The English index covers these only. */
const ENGLISH_LSOA = /^E01\d{6}$/;
/** Any LSOA / data zone code of the ONSPD's lsoa11 column (E01, W01, S01, 95...): 9 characters. */
const AREA_CODE = /^[A-Z0-9]{9}$/;

export interface ImdColumns {
  lsoa: number;
  decile: number;
}

export interface OnspdColumns {
  pcds: number;
  lsoa11: number;
}

/**
 * Column positions in File 1's header: `LSOA code (2011)` and the decile column, whose published
 * header is `Index of Multiple Deprivation (IMD) Decile` (other files of the release add
 * "(where 1 is most deprived 10% of LSOAs)": both are read). Null when either is missing.
 */
export function imdColumns(header: string[]): ImdColumns | null {
  const norm = header.map((h) => h.trim().replace(/\s+/g, ' ').toLowerCase());
  const lsoa = norm.indexOf('lsoa code (2011)');
  const decile = norm.findIndex((h) => h.startsWith('index of multiple deprivation (imd) decile'));
  return lsoa < 0 || decile < 0 ? null : { lsoa, decile };
}

/** Column positions of an ONSPD header (`pcds`, `lsoa11`; any case); null if either is missing. */
export function onspdColumns(header: string[]): OnspdColumns | null {
  const norm = header.map((h) => h.trim().toLowerCase());
  const pcds = norm.indexOf('pcds');
  const lsoa11 = norm.indexOf('lsoa11');
  return pcds < 0 || lsoa11 < 0 ? null : { pcds, lsoa11 };
}

export type ImdOutcome = { lsoa: string; decile: number } | { skip: 'malformed' };

/** One File 1 row: an English LSOA and its decile (an integer 1-10), or skipped. */
export function parseImdRow(fields: string[], columns: ImdColumns): ImdOutcome {
  const lsoa = fields[columns.lsoa]?.trim() ?? '';
  const decile = Number(fields[columns.decile]?.trim());
  if (!ENGLISH_LSOA.test(lsoa) || !Number.isInteger(decile) || decile < 1 || decile > 10)
    return { skip: 'malformed' };
  return { lsoa, decile };
}

/** A postcode of the deprivation table: storage key, display form, its LSOA and that LSOA's decile. */
export interface DeprivationRow {
  /** Upper case, no spaces ("TS11AA"). */
  id: string;
  postcode: string;
  lsoa11: string;
  imdDecile: number;
}

export type PostcodeSkip = 'bad_postcode' | 'no_lsoa' | 'not_in_imd' | 'malformed';
export type PostcodeOutcome = { row: DeprivationRow } | { skip: PostcodeSkip };

/**
 * One ONSPD row joined with the index: skipped when the postcode is not one, when it has no LSOA
 * (non-geographic postcodes) or when its LSOA has no English decile (Wales, Scotland, Northern
 * Ireland, or an LSOA missing from the IMD file).
 */
export function parseOnspdRow(
  fields: string[],
  columns: OnspdColumns,
  deciles: ReadonlyMap<string, number>,
): PostcodeOutcome {
  if (fields.length <= Math.max(columns.pcds, columns.lsoa11)) return { skip: 'malformed' };
  const text = fields[columns.pcds] ?? '';
  const id = compactPostcode(text);
  const postcode = formatPostcode(text);
  if (id === null || postcode === null) return { skip: 'bad_postcode' };
  const lsoa11 = fields[columns.lsoa11]?.trim() ?? '';
  if (!AREA_CODE.test(lsoa11)) return { skip: 'no_lsoa' };
  const imdDecile = deciles.get(lsoa11);
  if (imdDecile === undefined) return { skip: 'not_in_imd' };
  return { row: { id, postcode, lsoa11, imdDecile } };
}
