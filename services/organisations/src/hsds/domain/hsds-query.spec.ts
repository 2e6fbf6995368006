import { ValidationError } from '@sp/errors';
import { bydayPattern, distanceMeters, hsdsPage, ORUK_SERVICE_FILTERS, parseListQuery } from './hsds-query';

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => p.field).sort();
    throw err;
  }
  return [];
}

describe('HSDS list queries', () => {
  it('parses the Open Referral UK service filters: ages, schedule times and day', () => {
    expect(
      parseListQuery(
        { minimum_age: '18', maximum_age: '65.5', start_time: '09:30:00', end_time: '17:00', day: 'monday' },
        ORUK_SERVICE_FILTERS,
      ),
    ).toEqual({
      page: 1,
      perPage: 50,
      minimumAge: 18,
      maximumAge: 65.5,
      startTime: '09:30',
      endTime: '17:00',
      day: 'MO',
    });
    expect(parseListQuery({ day: 'Tu' }, ORUK_SERVICE_FILTERS).day).toBe('TU');
  });

  it('names every bad Open Referral UK filter in one refusal', () => {
    expect(
      fields(() =>
        parseListQuery(
          { minimum_age: '-1', maximum_age: 'old', start_time: '25:00', end_time: '9am', day: 'someday' },
          ORUK_SERVICE_FILTERS,
        ),
      ),
    ).toEqual(['day', 'end_time', 'maximum_age', 'minimum_age', 'start_time']);
  });

  it('matches a day in an RFC 5545 BYDAY list, with or without an occurrence', () => {
    expect(bydayPattern('MO').test('MO,TU,WE')).toBe(true);
    expect(bydayPattern('FR').test('2MO,-1FR')).toBe(true);
    expect(bydayPattern('TU').test('TH,SA')).toBe(false);
    expect(bydayPattern('SU').test('SUN')).toBe(false);
  });

  it('parses paging, filters, postcode and proximity in meters or km', () => {
    expect(
      parseListQuery(
        {
          page: '2',
          per_page: '10',
          taxonomy_term_id: 'sp-need-debt',
          postcode: 'ts1 2ad',
          proximity: '2.5km',
          modified_after: '2025-01-01',
        },
        ['taxonomyTermId', 'postcode', 'modifiedAfter'],
      ),
    ).toEqual({
      page: 2,
      perPage: 10,
      taxonomyTermId: 'sp-need-debt',
      postcode: 'TS12AD',
      proximityMeters: 2500,
      modifiedAfter: new Date('2025-01-01'),
    });
    expect(parseListQuery({ size: '5' }, []).perPage).toBe(5);
  });

  it('names every bad parameter', () => {
    expect(
      fields(() => parseListQuery({ page: '-1', per_page: '201', proximity: '5 miles' }, ['postcode'])),
    ).toEqual(['page', 'per_page', 'postcode', 'proximity']);
    expect(fields(() => parseListQuery({ page: ['1', '2'] }, []))).toEqual(['page']);
  });

  it('builds HSDS pages', () => {
    expect(hsdsPage([1, 2], 5, { page: 1, perPage: 2 })).toEqual({
      total_items: 5,
      total_pages: 3,
      page_number: 1,
      size: 2,
      first_page: true,
      last_page: false,
      empty: false,
      contents: [1, 2],
    });
    expect(hsdsPage([], 0, { page: 1, perPage: 2 })).toMatchObject({
      total_pages: 0,
      last_page: true,
      empty: true,
    });
  });

  it('measures distance on the sphere', () => {
    const middlesbrough = { lat: 54.576012, lng: -1.234791 };
    const stockton = { lat: 54.570012, lng: -1.318003 };
    expect(distanceMeters(middlesbrough, stockton)).toBeGreaterThan(5000);
    expect(distanceMeters(middlesbrough, stockton)).toBeLessThan(6000);
  });
});
