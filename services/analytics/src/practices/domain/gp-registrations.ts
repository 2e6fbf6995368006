import { AGE_BANDS, ageBandOf, type AgeBand } from '@sp/contracts';

/**
 * NHS Digital's "Patients Registered at a GP Practice" (monthly, open data): the files this
 * platform reads, and how one row becomes a fact about a practice. Columns are found by name in
 * the header (NHS Digital have added and moved columns between publications); only the ones
 * named here are read.
 *
 * - gp-reg-pat-prac-map.csv: one row per practice: PRACTICE_CODE, PCN_CODE,
 *   SUB_ICB_LOCATION_CODE, ICB_CODE, EXTRACT_DATE (plus names, ONS codes, region, supplier).
 * - gp-reg-pat-prac-sing-age-female.csv / -male.csv: ORG_TYPE (GP for a practice), ORG_CODE, SEX
 *   (FEMALE / MALE), AGE (0 to 94, 95+, or ALL = every age), NUMBER_OF_PATIENTS, EXTRACT_DATE.
 */
export const GP_REGISTRATION_FILES = ['map', 'age-female', 'age-male'] as const;
export type GpRegistrationFile = (typeof GP_REGISTRATION_FILES)[number];

export const REQUIRED_COLUMNS: Record<GpRegistrationFile, readonly string[]> = {
  map: ['PRACTICE_CODE', 'PCN_CODE', 'SUB_ICB_LOCATION_CODE', 'ICB_CODE'],
  'age-female': ['ORG_CODE', 'SEX', 'AGE', 'NUMBER_OF_PATIENTS'],
  'age-male': ['ORG_CODE', 'SEX', 'AGE', 'NUMBER_OF_PATIENTS'],
};

/** Which file a name is (publications add a month: gp-reg-pat-prac-map-jul-26.csv), or null. */
export function gpRegistrationFileOf(fileName: string): GpRegistrationFile | null {
  const name = fileName.toLowerCase();
  if (!name.endsWith('.csv')) return null;
  if (name.startsWith('gp-reg-pat-prac-map')) return 'map';
  if (name.startsWith('gp-reg-pat-prac-sing-age-female')) return 'age-female';
  if (name.startsWith('gp-reg-pat-prac-sing-age-male')) return 'age-male';
  return null;
}

/** The required columns a header lacks. */
export function missingColumns(file: GpRegistrationFile, header: readonly string[]): string[] {
  return REQUIRED_COLUMNS[file].filter((c) => !header.includes(c));
}

export type CsvRecord = Record<string, string | undefined>;

const ODS_PRACTICE = /^[A-Z][0-9]{5}$/;
const ODS_PCN = /^U[0-9]{5}$/;
const ODS_SUB_ICB = /^[0-9A-Z]{3,5}$/;
const ODS_ICB = /^Q[A-Z0-9]{2}$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * EXTRACT_DATE as an ISO date (YYYY-MM-DD), from the forms NHS Digital have used: 2026-07-01,
 * 01JUL2026, 01-Jul-2026, 01/07/2026. Null when absent or unreadable.
 */
export function parseExtractDate(value: string | undefined): string | null {
  const v = (value ?? '').trim().toUpperCase();
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-(\d{2})-(\d{2})/.exec(v))) [y, m, d] = [+match[1]!, +match[2]!, +match[3]!];
  else if ((match = /^(\d{1,2})-?([A-Z]{3})-?(\d{4})$/.exec(v)))
    [d, m, y] = [+match[1]!, MONTHS.indexOf(match[2]!) + 1, +match[3]!];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v)))
    [d, m, y] = [+match[1]!, +match[2]!, +match[3]!];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export interface PracticeMapping {
  odsCode: string;
  pcnCode: string;
  subIcbCode: string;
  icbCode: string;
  extractDate: string | null;
}

/** Where a practice sits. */
export type PracticePlace = Omit<PracticeMapping, 'extractDate'>;

export type MapRowOutcome = { mapping: PracticeMapping } | { skip: 'malformed' };

/** One row of the practice mapping file. */
export function parseMapRow(record: CsvRecord): MapRowOutcome {
  const odsCode = (record['PRACTICE_CODE'] ?? '').trim().toUpperCase();
  const pcnCode = (record['PCN_CODE'] ?? '').trim().toUpperCase();
  const subIcbCode = (record['SUB_ICB_LOCATION_CODE'] ?? '').trim().toUpperCase();
  const icbCode = (record['ICB_CODE'] ?? '').trim().toUpperCase();
  if (
    !ODS_PRACTICE.test(odsCode) ||
    !ODS_PCN.test(pcnCode) ||
    !ODS_SUB_ICB.test(subIcbCode) ||
    !ODS_ICB.test(icbCode)
  )
    return { skip: 'malformed' };
  return {
    mapping: { odsCode, pcnCode, subIcbCode, icbCode, extractDate: parseExtractDate(record['EXTRACT_DATE']) },
  };
}

export type ListSex = 'female' | 'male';

export interface AgeCount {
  odsCode: string;
  sex: ListSex;
  /** A single year 0-94, 95 for "95+", or 'ALL' (every age: the practice's list for that sex). */
  age: number | 'ALL';
  count: number;
  extractDate: string | null;
}

export type AgeRowOutcome = { count: AgeCount } | { skip: 'not_practice' | 'other_sex' | 'malformed' };

/** One row of a single-year-of-age file whose sex is `sex` (rows of another sex are skipped). */
export function parseAgeRow(record: CsvRecord, sex: ListSex): AgeRowOutcome {
  const orgType = record['ORG_TYPE']?.trim().toUpperCase();
  if (orgType !== undefined && orgType !== '' && orgType !== 'GP') return { skip: 'not_practice' };
  const rowSex = (record['SEX'] ?? '').trim().toLowerCase();
  if (rowSex !== sex)
    return rowSex === 'female' || rowSex === 'male' || rowSex === 'all'
      ? { skip: 'other_sex' }
      : { skip: 'malformed' };
  const odsCode = (record['ORG_CODE'] ?? '').trim().toUpperCase();
  const rawAge = (record['AGE'] ?? '').trim().toUpperCase();
  const rawCount = (record['NUMBER_OF_PATIENTS'] ?? '').trim();
  if (!ODS_PRACTICE.test(odsCode) || !/^\d+$/.test(rawCount)) return { skip: 'malformed' };
  let age: number | 'ALL';
  if (rawAge === 'ALL') age = 'ALL';
  else if (rawAge === '95+') age = 95;
  else if (/^\d+$/.test(rawAge) && Number(rawAge) <= 94) age = Number(rawAge);
  else return { skip: 'malformed' };
  return {
    count: {
      odsCode,
      sex,
      age,
      count: Number(rawCount),
      extractDate: parseExtractDate(record['EXTRACT_DATE']),
    },
  };
}

/** The platform's age band of a single year of age; the published "95+" falls in '85+'. */
export function bandOfAge(age: number): AgeBand {
  return ageBandOf(age);
}

/** A practice's registered list: by age band and by sex (female and male: what NHS Digital publish). */
export interface PracticeList {
  extractDate: string | null;
  total: number;
  byAgeBand: Record<AgeBand, number>;
  bySex: Record<ListSex, number>;
}

function zeroBands(): Record<AgeBand, number> {
  return Object.fromEntries(AGE_BANDS.map((b) => [b, 0])) as Record<AgeBand, number>;
}

interface SexTally {
  byAgeBand: Record<AgeBand, number>;
  sum: number;
  declaredAll: number | null;
  extractDate: string | null;
}

export interface ListProblem {
  odsCode: string;
  problem: 'missing_sex' | 'total_mismatch';
  detail: string;
}

/**
 * Adds up single-year counts into lists per practice. A practice's list is complete only with both
 * sexes; where a file's ALL row disagrees with the sum of its single years, the practice is
 * reported and its list left out (a figure we cannot trust is worse than none).
 */
export class PracticeListTally {
  private readonly tallies = new Map<string, Partial<Record<ListSex, SexTally>>>();

  add(c: AgeCount): void {
    const bySex = this.tallies.get(c.odsCode) ?? {};
    const t = (bySex[c.sex] ??= { byAgeBand: zeroBands(), sum: 0, declaredAll: null, extractDate: null });
    if (c.age === 'ALL') t.declaredAll = c.count;
    else {
      t.byAgeBand[bandOfAge(c.age)] += c.count;
      t.sum += c.count;
    }
    if (c.extractDate && (!t.extractDate || c.extractDate > t.extractDate)) t.extractDate = c.extractDate;
    this.tallies.set(c.odsCode, bySex);
  }

  /** Complete lists, and the practices left out with why. */
  lists(): { lists: Map<string, PracticeList>; problems: ListProblem[] } {
    const lists = new Map<string, PracticeList>();
    const problems: ListProblem[] = [];
    for (const [odsCode, bySex] of [...this.tallies].sort(([a], [b]) => a.localeCompare(b))) {
      const { female, male } = bySex;
      if (!female || !male) {
        problems.push({ odsCode, problem: 'missing_sex', detail: `no ${female ? 'male' : 'female'} rows` });
        continue;
      }
      const mismatch = [female, male].find((t) => t.declaredAll !== null && t.declaredAll !== t.sum);
      if (mismatch) {
        problems.push({
          odsCode,
          problem: 'total_mismatch',
          detail: `ALL row ${mismatch.declaredAll} but single years add up to ${mismatch.sum}`,
        });
        continue;
      }
      const byAgeBand = zeroBands();
      for (const band of AGE_BANDS) byAgeBand[band] = female.byAgeBand[band] + male.byAgeBand[band];
      const dates = [female.extractDate, male.extractDate].filter((d): d is string => d !== null).sort();
      lists.set(odsCode, {
        extractDate: dates.at(-1) ?? null,
        total: female.sum + male.sum,
        byAgeBand,
        bySex: { female: female.sum, male: male.sum },
      });
    }
    return { lists, problems };
  }
}

/** The combined list of several practices (a PCN's or an area's population), null for none. */
export function combineLists(lists: readonly PracticeList[]): Omit<PracticeList, 'extractDate'> | null {
  if (lists.length === 0) return null;
  const byAgeBand = zeroBands();
  const bySex: Record<ListSex, number> = { female: 0, male: 0 };
  let total = 0;
  for (const l of lists) {
    total += l.total;
    for (const band of AGE_BANDS) byAgeBand[band] += l.byAgeBand[band];
    bySex.female += l.bySex.female;
    bySex.male += l.bySex.male;
  }
  return { total, byAgeBand, bySex };
}
