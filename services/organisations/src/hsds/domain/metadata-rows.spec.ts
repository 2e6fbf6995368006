import { metadataRows } from './metadata-rows';

const at = new Date('2025-01-17T09:00:00.000Z');
const base = {
  table: 'services' as const,
  id: '2603f9aa-3bf3-5582-8841-53ffeb15e0d2',
  previous: { name: 'Old' },
  next: { name: 'New' },
  at,
};

describe('metadataRows', () => {
  it('records the signed-in person beside the client in each row', () => {
    const rows = metadataRows({
      ...base,
      action: 'update',
      fields: ['name'],
      provenance: {
        updatedBy: 'portal-app',
        source: 'management-api',
        person: { sub: 'lw-ali', name: 'Ali Khan' },
      },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      updated_by: 'portal-app',
      field_name: 'name',
      previous_value: 'Old',
      replacement_value: 'New',
      sp: { source: 'management-api', at, person: { sub: 'lw-ali', name: 'Ali Khan' } },
    });
  });

  it('records no person for an API client acting alone', () => {
    const [row] = metadataRows({
      ...base,
      action: 'create',
      fields: [],
      provenance: { updatedBy: 'client-1', source: 'management-api' },
    });
    expect(row!.sp).toEqual({ source: 'management-api', at });
  });
});
