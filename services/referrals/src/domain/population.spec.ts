import { demographicProblems, populationCodes } from './population';

describe('population codes at intake', () => {
  const at = new Date('2026-06-15T10:00:00Z');

  it('derives the age band on the day of submission, sex, decile and ethnic category', () => {
    expect(
      populationCodes(
        { birthDate: '1958-06-15', sex: 'female', postcode: 'TS1 1AA', ethnicCategory: 'A' },
        3,
        at,
      ),
    ).toEqual({ ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' });
    // The day before the 68th... and 25th birthdays: still in the younger band.
    expect(populationCodes({ birthDate: '2001-06-16' }, undefined, at).ageBand).toBe('18-24');
    expect(populationCodes({ birthDate: '2001-06-15' }, undefined, at).ageBand).toBe('25-34');
  });

  it('says unknown for a sex not given and leaves out what is not known', () => {
    expect(populationCodes({ birthDate: '1930-01-01' }, undefined, at)).toEqual({
      ageBand: '85+',
      sex: 'unknown',
    });
    expect(populationCodes({ birthDate: '2020-01-01', sex: 'other' }, undefined, at)).toEqual({
      ageBand: '0-17',
      sex: 'other',
    });
  });

  it('names every bad demographic', () => {
    expect(demographicProblems({ sex: 'F', postcode: 'nowhere', ethnicCategory: 'X' })).toEqual([
      expect.objectContaining({ field: 'patient.sex', code: 'unknown_code' }),
      expect.objectContaining({ field: 'patient.postcode', code: 'invalid_format' }),
      expect.objectContaining({ field: 'patient.ethnicCategory', code: 'unknown_code' }),
    ]);
    expect(demographicProblems({ sex: 'unknown', postcode: 'ts1 1aa', ethnicCategory: '99' })).toEqual([]);
    expect(demographicProblems({})).toEqual([]);
  });
});
