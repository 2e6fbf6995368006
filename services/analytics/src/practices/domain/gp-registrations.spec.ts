import {
  PracticeListTally,
  bandOfAge,
  combineLists,
  gpRegistrationFileOf,
  missingColumns,
  parseAgeRow,
  parseExtractDate,
  parseMapRow,
  type AgeCount,
} from './gp-registrations';

const mapRow = {
  PUBLICATION: 'GP_PRAC_PAT_LIST',
  EXTRACT_DATE: '01NOV2026',
  PRACTICE_CODE: 'A81001',
  PRACTICE_NAME: 'RIVERSIDE MEDICAL PRACTICE',
  SUB_ICB_LOCATION_CODE: '16C',
  ICB_CODE: 'QHM',
  PCN_CODE: 'U81234',
};

describe('GP registration files', () => {
  it('knows the files by name, with or without a month suffix', () => {
    expect(gpRegistrationFileOf('gp-reg-pat-prac-map.csv')).toBe('map');
    expect(gpRegistrationFileOf('gp-reg-pat-prac-map-nov-26.csv')).toBe('map');
    expect(gpRegistrationFileOf('gp-reg-pat-prac-sing-age-female.csv')).toBe('age-female');
    expect(gpRegistrationFileOf('GP-REG-PAT-PRAC-SING-AGE-MALE.CSV')).toBe('age-male');
    expect(gpRegistrationFileOf('gp-reg-pat-prac-sing-age-all.csv')).toBeNull();
    expect(gpRegistrationFileOf('gp-reg-pat-prac-quin-age.csv')).toBeNull();
    expect(gpRegistrationFileOf('README.md')).toBeNull();
  });

  it('names the required columns a header lacks', () => {
    expect(missingColumns('map', Object.keys(mapRow))).toEqual([]);
    expect(missingColumns('age-male', ['ORG_CODE', 'AGE'])).toEqual(['SEX', 'NUMBER_OF_PATIENTS']);
  });

  it.each([
    ['2026-11-01', '2026-11-01'],
    ['01NOV2026', '2026-11-01'],
    ['1-Nov-2026', '2026-11-01'],
    ['01/11/2026', '2026-11-01'],
    ['31FEB2026', null],
    ['', null],
    [undefined, null],
  ])('reads the extract date %s as %s', (raw, iso) => {
    expect(parseExtractDate(raw)).toBe(iso);
  });

  it('maps a practice to its PCN, sub-ICB location and ICB', () => {
    expect(parseMapRow(mapRow)).toEqual({
      mapping: {
        odsCode: 'A81001',
        pcnCode: 'U81234',
        subIcbCode: '16C',
        icbCode: 'QHM',
        extractDate: '2026-11-01',
      },
    });
    expect(parseMapRow({ ...mapRow, PCN_CODE: '' })).toEqual({ skip: 'malformed' });
    expect(parseMapRow({ ...mapRow, PRACTICE_CODE: 'not a code' })).toEqual({ skip: 'malformed' });
  });

  describe('single-year-of-age rows', () => {
    const row = {
      EXTRACT_DATE: '2026-11-01',
      ORG_TYPE: 'GP',
      ORG_CODE: 'A81001',
      SEX: 'FEMALE',
      AGE: '37',
      NUMBER_OF_PATIENTS: '52',
    };

    it('reads a single year, 95+ and ALL', () => {
      expect(parseAgeRow(row, 'female')).toEqual({
        count: { odsCode: 'A81001', sex: 'female', age: 37, count: 52, extractDate: '2026-11-01' },
      });
      expect(parseAgeRow({ ...row, AGE: '95+' }, 'female')).toMatchObject({ count: { age: 95 } });
      expect(parseAgeRow({ ...row, AGE: 'ALL' }, 'female')).toMatchObject({ count: { age: 'ALL' } });
    });

    it('skips other organisation types, the other sex and malformed rows', () => {
      expect(parseAgeRow({ ...row, ORG_TYPE: 'PCN' }, 'female')).toEqual({ skip: 'not_practice' });
      expect(parseAgeRow({ ...row, SEX: 'MALE' }, 'female')).toEqual({ skip: 'other_sex' });
      expect(parseAgeRow({ ...row, SEX: 'X' }, 'female')).toEqual({ skip: 'malformed' });
      expect(parseAgeRow({ ...row, AGE: '96' }, 'female')).toEqual({ skip: 'malformed' });
      expect(parseAgeRow({ ...row, AGE: '-1' }, 'female')).toEqual({ skip: 'malformed' });
      expect(parseAgeRow({ ...row, NUMBER_OF_PATIENTS: '1.5' }, 'female')).toEqual({ skip: 'malformed' });
    });
  });

  it('bands single years into the platform age bands, 95+ into 85+', () => {
    expect([0, 17, 18, 24, 25, 34, 84, 85, 94, 95].map(bandOfAge)).toEqual([
      '0-17',
      '0-17',
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      '75-84',
      '85+',
      '85+',
      '85+',
    ]);
  });

  describe('PracticeListTally', () => {
    const c = (odsCode: string, sex: 'female' | 'male', age: number | 'ALL', count: number): AgeCount => ({
      odsCode,
      sex,
      age,
      count,
      extractDate: '2026-11-01',
    });

    it('adds single years into bands and sexes, checked against the ALL rows', () => {
      const tally = new PracticeListTally();
      for (const x of [
        c('A81001', 'female', 10, 3),
        c('A81001', 'female', 30, 4),
        c('A81001', 'female', 95, 1),
        c('A81001', 'female', 'ALL', 8),
        c('A81001', 'male', 30, 5),
        c('A81001', 'male', 'ALL', 5),
      ])
        tally.add(x);
      const { lists, problems } = tally.lists();
      expect(problems).toEqual([]);
      expect(lists.get('A81001')).toEqual({
        extractDate: '2026-11-01',
        total: 13,
        byAgeBand: {
          '0-17': 3,
          '18-24': 0,
          '25-34': 9,
          '35-44': 0,
          '45-54': 0,
          '55-64': 0,
          '65-74': 0,
          '75-84': 0,
          '85+': 1,
        },
        bySex: { female: 8, male: 5 },
      });
    });

    it('leaves out a practice missing a sex or whose ALL row disagrees, saying why', () => {
      const tally = new PracticeListTally();
      [
        c('A81001', 'female', 30, 4),
        c('B82001', 'female', 30, 4),
        c('B82001', 'female', 'ALL', 5),
        c('B82001', 'male', 1, 1),
      ].forEach((x) => tally.add(x));
      const { lists, problems } = tally.lists();
      expect(lists.size).toBe(0);
      expect(problems).toEqual([
        { odsCode: 'A81001', problem: 'missing_sex', detail: 'no male rows' },
        { odsCode: 'B82001', problem: 'total_mismatch', detail: 'ALL row 5 but single years add up to 4' },
      ]);
    });
  });

  it('combines lists, null for none', () => {
    expect(combineLists([])).toBeNull();
    const one = {
      extractDate: null,
      total: 3,
      byAgeBand: {
        '0-17': 1,
        '18-24': 0,
        '25-34': 2,
        '35-44': 0,
        '45-54': 0,
        '55-64': 0,
        '65-74': 0,
        '75-84': 0,
        '85+': 0,
      },
      bySex: { female: 2, male: 1 },
    };
    expect(combineLists([one, one])).toEqual({
      total: 6,
      byAgeBand: {
        '0-17': 2,
        '18-24': 0,
        '25-34': 4,
        '35-44': 0,
        '45-54': 0,
        '55-64': 0,
        '65-74': 0,
        '75-84': 0,
        '85+': 0,
      },
      bySex: { female: 4, male: 2 },
    });
  });
});
