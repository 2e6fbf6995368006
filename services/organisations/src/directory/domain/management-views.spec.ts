import type { StoredRecord } from '../../hsds/domain/hsds-record';
import {
  managedOrganisation,
  managedService,
  managementPage,
  recordIdProblems,
  suspendedAt,
} from './management-views';

const org = (sp: StoredRecord['sp']): StoredRecord => ({
  _id: 'org-a',
  id: 'org-a',
  name: 'Org A',
  description: 'An organisation',
  sp,
});

describe('management views', () => {
  it('shows an active organisation as the writes answer it, without a suspension', () => {
    expect(managedOrganisation(org({ kind: 'vcs', status: 'active' }), '2026-01-01T00:00:00.000Z')).toEqual({
      id: 'org-a',
      name: 'Org A',
      description: 'An organisation',
      sp_status: 'active',
      sp_kind: 'vcs',
    });
    expect(managedOrganisation(org(undefined))).toMatchObject({ sp_status: 'active', sp_kind: 'vcs' });
  });

  it('shows a suspended organisation with its reason and since when, each only when stored', () => {
    const suspended = org({ kind: 'vcs', status: 'suspended', suspensionReason: 'safeguarding-concern' });
    expect(managedOrganisation(suspended, '2026-02-03T04:05:06.000Z')).toMatchObject({
      sp_status: 'suspended',
      sp_suspension: { reason_code: 'safeguarding-concern', suspended_at: '2026-02-03T04:05:06.000Z' },
    });
    expect(managedOrganisation(suspended)['sp_suspension']).toEqual({ reason_code: 'safeguarding-concern' });
    expect(managedOrganisation(org({ status: 'suspended' }))['sp_suspension']).toEqual({});
    // Platform fields never leak as such.
    expect(managedOrganisation(suspended)).not.toHaveProperty('sp');
  });

  it('shows a service with its publication state (published when never decided)', () => {
    const service: StoredRecord = {
      _id: 's1',
      id: 's1',
      name: 'S',
      organization_id: 'org-a',
      sp: { publication: 'withdrawn', modifiedAt: new Date('2026-03-01T10:00:00Z') },
    };
    expect(managedService(service)).toEqual({
      id: 's1',
      name: 'S',
      organization_id: 'org-a',
      last_modified: '2026-03-01T10:00:00.000Z',
      sp_publication: 'withdrawn',
    });
    expect(managedService({ _id: 's2', id: 's2' })['sp_publication']).toBe('published');
  });

  it('finds when the organisation last became suspended', () => {
    const row = (replacement: string, at: string, field = 'sp.status') => ({
      field_name: field,
      replacement_value: replacement,
      last_action_date: at,
    });
    expect(suspendedAt([])).toBeUndefined();
    expect(
      suspendedAt([
        row('suspended', '2026-01-01T00:00:00.000Z'),
        row('active', '2026-01-02T00:00:00.000Z'),
        row('suspended', '2026-01-03T00:00:00.000Z'),
        row('suspended', '2026-01-09T00:00:00.000Z', 'sp.suspensionReason'),
        row('suspended', 'not a date'),
      ]),
    ).toBe('2026-01-03T00:00:00.000Z');
    expect(suspendedAt([row('active', '2026-01-02T00:00:00.000Z')])).toBeUndefined();
  });

  it('names a malformed path id', () => {
    expect(recordIdProblems('svc-1.a:b_c')).toEqual([]);
    expect(recordIdProblems('a'.repeat(64))).toEqual([]);
    expect(recordIdProblems('a'.repeat(65))).toEqual([
      { field: 'id', code: 'invalid_format', message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -' },
    ]);
    expect(recordIdProblems('bad id', 'organization_id').map((p) => p.field)).toEqual(['organization_id']);
    expect(recordIdProblems('')).toHaveLength(1);
  });

  it('pages as the platform lists do: size is the page size, at least one page', () => {
    expect(managementPage(['a', 'b'], 5, { page: 1, perPage: 2 })).toEqual({
      total_items: 5,
      total_pages: 3,
      page_number: 1,
      size: 2,
      first_page: true,
      last_page: false,
      empty: false,
      contents: ['a', 'b'],
    });
    expect(managementPage(['e'], 5, { page: 3, perPage: 2 })).toMatchObject({
      first_page: false,
      last_page: true,
      size: 2,
    });
    expect(managementPage([], 0, { page: 1, perPage: 50 })).toMatchObject({
      total_pages: 1,
      first_page: true,
      last_page: true,
      empty: true,
    });
    expect(managementPage([], 5, { page: 9, perPage: 2 })).toMatchObject({ last_page: true, empty: true });
  });
});
