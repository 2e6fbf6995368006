import { coerceRow } from '../parsing/csv-package';
import { decomposeService } from './decompose-service';
import { isPlaceholder, validateHsdsObject } from './validate-hsds-object';

const codes = (reasons: Array<{ field: string; code: string }>) => reasons.map((r) => [r.field, r.code]);

describe('validateHsdsObject', () => {
  it('accepts a valid service and removes null optional fields', () => {
    const service: Record<string, unknown> = {
      id: 'svc-1',
      name: 'Walk',
      status: 'active',
      email: null,
      url: 'https://x.org',
    };
    expect(validateHsdsObject('service', service, '')).toEqual([]);
    expect(service).not.toHaveProperty('email');
  });

  it('quarantines a service without url: Open Referral UK requires it', () => {
    expect(codes(validateHsdsObject('service', { id: 'svc-1', name: 'Walk', status: 'active' }, ''))).toEqual(
      [['url', 'missing-required-field']],
    );
  });

  it('names every failing field with its code', () => {
    const reasons = validateHsdsObject(
      'service',
      {
        id: 'has spaces',
        name: '  ',
        status: 'open',
        url: 'www.example.org',
        email: 'nobody',
        last_modified: 'yesterday',
        maximum_age: 10,
        minimum_age: 200,
        phones: ['01642'],
        schedules: {},
      },
      '',
    );
    expect(codes(reasons)).toEqual([
      ['name', 'missing-required-field'],
      ['id', 'bad-format'],
      ['url', 'bad-format'],
      ['email', 'bad-format'],
      ['status', 'bad-value'],
      ['last_modified', 'bad-format'],
      ['phones[0]', 'bad-type'],
      ['schedules', 'bad-type'],
      ['minimum_age', 'out-of-range'],
      ['minimum_age', 'out-of-range'],
    ]);
  });

  it('checks coordinates: latitude and longitude ranges, and that they come together', () => {
    expect(
      codes(
        validateHsdsObject(
          'location',
          { id: 'l', location_type: 'physical', latitude: -91, longitude: 181 },
          'loc',
        ),
      ),
    ).toEqual([
      ['loc.latitude', 'out-of-range'],
      ['loc.longitude', 'out-of-range'],
    ]);
    expect(
      codes(validateHsdsObject('location', { id: 'l', location_type: 'physical', latitude: 54 }, '')),
    ).toEqual([['longitude', 'missing-required-field']]);
    expect(
      codes(validateHsdsObject('location', { id: 'l', location_type: 'physical', latitude: '54' }, '')),
    ).toEqual([
      ['latitude', 'bad-type'],
      ['longitude', 'missing-required-field'],
    ]);
  });

  it('checks required fields of embedded objects (addresses)', () => {
    const reasons = validateHsdsObject(
      'location',
      {
        id: 'l',
        location_type: 'physical',
        addresses: [
          {
            id: 'a',
            address_1: '1 High St',
            city: 'N/A',
            state_province: 'Cleveland',
            postal_code: 'TS1 1AA',
            country: 'GB',
            address_type: 'physical',
          },
        ],
      },
      '',
    );
    expect(codes(reasons)).toEqual([['addresses[0].city', 'placeholder']]);
  });
});

describe('isPlaceholder', () => {
  it.each(['N/A', 'n/a', 'TBC', ' tba ', 'xxx', 'XXXX', '---', '???', 'Unknown', 'null', 'test'])(
    '%j is a placeholder',
    (v) => {
      expect(isPlaceholder(v)).toBe(true);
    },
  );
  it.each(['Xavier Trust', 'NA Foundation', 'Age UK', 'Test Valley Carers'])('%j is not', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});

describe('decomposeService', () => {
  it('flags nested ids that contradict the parent (inconsistent-reference)', () => {
    const parts = decomposeService({
      id: 'svc-1',
      name: 'S',
      status: 'active',
      url: 'https://s.example.org/',
      organization_id: 'org-a',
      organization: { id: 'org-b', name: 'B', description: 'b' },
      service_at_locations: [
        { id: 'sal', service_id: 'svc-2', location: { id: 'loc', location_type: 'virtual' } },
      ],
    });
    const byTable = Object.fromEntries(parts.map((p) => [p.table, p]));
    expect(codes(byTable['services']?.reasons ?? [])).toEqual([
      ['organization_id', 'inconsistent-reference'],
    ]);
    expect(codes(byTable['service_at_locations']?.reasons ?? [])).toEqual([
      ['service_at_locations[0].service_id', 'inconsistent-reference'],
    ]);
    expect(byTable['service_at_locations']?.record).toMatchObject({ location_id: 'loc' });
  });
});

describe('coerceRow (CSV cells)', () => {
  it('drops empty cells and turns number fields into numbers when they parse', () => {
    expect(coerceRow('location', { id: 'l', name: '', latitude: '54.5', longitude: 'east' })).toEqual({
      id: 'l',
      latitude: 54.5,
      longitude: 'east',
    });
  });
});
