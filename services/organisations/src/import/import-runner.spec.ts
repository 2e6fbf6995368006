import { ValidationError } from '@sp/errors';
import type { HsdsRecord, HsdsStore, HsdsTable, HsdsWriteResult, Provenance } from '../hsds/hsds-store.port';
import type { QuarantineEntry } from './domain/quarantine-reason';
import { runImport, type ImportElement, type ImportJournal, type ImportReport } from './import-runner';

/** In-memory HsdsStore with the port's contract: upsert by id, equal record = unchanged. */
class FakeStore implements HsdsStore {
  readonly tables = new Map<HsdsTable, Map<string, string>>();
  readonly writes: Array<{ table: HsdsTable; id: string; provenance: Provenance }> = [];
  /** Sizes of the upsertMany calls, per table. */
  readonly batches: Array<{ table: HsdsTable; size: number }> = [];

  async upsert(table: HsdsTable, record: HsdsRecord, provenance: Provenance): Promise<HsdsWriteResult> {
    if (record.id.includes(' '))
      throw new ValidationError([{ field: 'id', code: 'invalid', message: 'bad id' }]);
    const rows = this.tables.get(table) ?? new Map<string, string>();
    this.tables.set(table, rows);
    const json = JSON.stringify(record);
    const previous = rows.get(record.id);
    if (previous === json) return { outcome: 'unchanged' };
    rows.set(record.id, json);
    this.writes.push({ table, id: record.id, provenance });
    return { outcome: previous === undefined ? 'created' : 'updated' };
  }

  async upsertMany(
    table: HsdsTable,
    records: HsdsRecord[],
    provenance: Provenance,
  ): Promise<HsdsWriteResult[]> {
    const bad = records.filter((r) => r.id.includes(' '));
    if (bad.length > 0)
      throw new ValidationError(bad.map(() => ({ field: 'id', code: 'invalid', message: 'bad id' })));
    this.batches.push({ table, size: records.length });
    const results: HsdsWriteResult[] = [];
    for (const record of records) results.push(await this.upsert(table, record, provenance));
    return results;
  }

  async existing(table: HsdsTable, ids: string[]): Promise<Set<string>> {
    const rows = this.tables.get(table);
    return new Set(ids.filter((id) => rows?.has(id)));
  }

  get(table: HsdsTable, id: string): Record<string, unknown> | undefined {
    const json = this.tables.get(table)?.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
  }
}

class MemoryJournal implements ImportJournal {
  readonly reports: ImportReport[] = [];
  readonly quarantined: QuarantineEntry[] = [];
  async progress(report: ImportReport): Promise<void> {
    this.reports.push(report);
  }
  async quarantine(_importId: string, entries: QuarantineEntry[]): Promise<void> {
    this.quarantined.push(...entries);
  }
}

function organization(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `org-${n}`, name: `Organisation ${n}`, description: `Helps people ${n}`, ...extra };
}

function service(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `svc-${n}`,
    name: `Service ${n}`,
    status: 'active',
    url: `https://services.example.org/svc-${n}`,
    organization: organization(Math.floor(n / 2)),
    attributes: [
      {
        id: `attr-${n}`,
        taxonomy_term: {
          id: 'term-debt',
          name: 'Debt',
          description: 'Debt advice',
          taxonomy_id: 'tax-1',
          taxonomy_detail: { id: 'tax-1', name: 'Needs', description: 'Our needs' },
        },
      },
    ],
    service_at_locations: [
      {
        id: `sal-${n}`,
        location: {
          id: `loc-${n}`,
          location_type: 'physical',
          name: `Hall ${n}`,
          latitude: 54.5,
          longitude: -1.2,
        },
      },
    ],
    phones: [{ id: `ph-${n}`, number: '01642 000000' }],
    ...extra,
  };
}

async function* elements(values: unknown[]): AsyncGenerator<ImportElement> {
  for (const [index, value] of values.entries()) yield { index, value };
}

async function importAll(store: FakeStore, values: unknown[], batchSize = 3) {
  const journal = new MemoryJournal();
  const report = await runImport({
    importId: 'imp-1',
    format: 'json',
    source: elements(values),
    store,
    journal,
    batchSize,
    progressIntervalMs: 0,
  });
  return { report, journal };
}

function reasonsFor(journal: MemoryJournal, table: HsdsTable, id: string | null) {
  return journal.quarantined.filter((q) => q.table === table && q.id === id).flatMap((q) => q.reasons);
}

describe('runImport (nested HSDS services)', () => {
  it('splits each service into its tables, writes references first, and counts created records', async () => {
    const store = new FakeStore();
    const { report, journal } = await importAll(store, [service(1), service(2), service(3)]);
    expect(report.status).toBe('completed');
    expect(report.processed).toBe(3);
    expect(report.counts.services).toEqual({ created: 3, updated: 0, unchanged: 0, quarantined: 0 });
    expect(report.counts.organizations.created).toBe(2); // org-0 (svc-1), org-1 (svc-2, svc-3) written once
    expect(report.counts.taxonomy_terms.created).toBe(1);
    expect(report.counts.taxonomies.created).toBe(1);
    expect(report.counts.locations.created).toBe(3);
    expect(report.counts.service_at_locations.created).toBe(3);
    expect(journal.quarantined).toEqual([]);
    expect(store.get('services', 'svc-1')).toEqual({
      id: 'svc-1',
      name: 'Service 1',
      status: 'active',
      url: 'https://services.example.org/svc-1',
      organization_id: 'org-0',
      attributes: [{ id: 'attr-1', taxonomy_term_id: 'term-debt' }],
      phones: [{ id: 'ph-1', number: '01642 000000' }],
    });
    expect(store.get('service_at_locations', 'sal-1')).toEqual({
      id: 'sal-1',
      service_id: 'svc-1',
      location_id: 'loc-1',
    });
    expect(store.get('taxonomy_terms', 'term-debt')).toMatchObject({ taxonomy_id: 'tax-1' });
    const order = store.writes.map((w) => w.table);
    expect(order.indexOf('organizations')).toBeLessThan(order.indexOf('services'));
    expect(order.indexOf('services')).toBeLessThan(order.indexOf('service_at_locations'));
    expect(store.writes[0]?.provenance).toEqual({ updatedBy: 'import:imp-1', source: 'hsds-import' });
  });

  it('is idempotent: a second import of the same data is all unchanged', async () => {
    const store = new FakeStore();
    const data = [service(1), service(2)];
    await importAll(store, structuredClone(data));
    const writes = store.writes.length;
    const { report } = await importAll(store, structuredClone(data));
    expect(report.counts.services).toEqual({ created: 0, updated: 0, unchanged: 2, quarantined: 0 });
    expect(report.counts.locations).toEqual({ created: 0, updated: 0, unchanged: 2, quarantined: 0 });
    expect(store.writes.length).toBe(writes);
  });

  it('counts a changed record as updated', async () => {
    const store = new FakeStore();
    await importAll(store, [service(1)]);
    const { report } = await importAll(store, [service(1, { name: 'Renamed service' })]);
    expect(report.counts.services).toEqual({ created: 0, updated: 1, unchanged: 0, quarantined: 0 });
  });

  it('quarantines a bad version of a stored service and leaves the stored one as it was', async () => {
    const store = new FakeStore();
    await importAll(store, [service(1)]);
    const before = store.get('services', 'svc-1');
    const { report, journal } = await importAll(store, [service(1, { name: 'N/A', status: 'open' })]);
    expect(report.counts.services.quarantined).toBe(1);
    expect(reasonsFor(journal, 'services', 'svc-1').map((r) => [r.field, r.code])).toEqual([
      ['name', 'placeholder'],
      ['status', 'bad-value'],
    ]);
    expect(store.get('services', 'svc-1')).toEqual(before);
    // its location link still resolves to the stored service
    expect(report.counts.service_at_locations.unchanged).toBe(1);
  });

  it('quarantines a location out of range and its link, but imports the service', async () => {
    const store = new FakeStore();
    const bad = service(1);
    (bad['service_at_locations'] as Array<{ location: Record<string, unknown> }>)[0]!.location['latitude'] =
      123.4;
    const { report, journal } = await importAll(store, [bad, service(2)]);
    expect(reasonsFor(journal, 'locations', 'loc-1')).toEqual([
      expect.objectContaining({ field: 'service_at_locations[0].location.latitude', code: 'out-of-range' }),
    ]);
    expect(reasonsFor(journal, 'service_at_locations', 'sal-1')).toEqual([
      expect.objectContaining({ field: 'service_at_locations[0].location_id', code: 'broken-reference' }),
    ]);
    expect(report.counts.services.created).toBe(2);
    expect(store.get('locations', 'loc-1')).toBeUndefined();
    expect(journal.quarantined.find((q) => q.id === 'loc-1')?.index).toBe(0);
  });

  it('quarantines a service whose taxonomy term is neither stored nor in the import', async () => {
    const store = new FakeStore();
    const { journal } = await importAll(store, [
      service(1, { attributes: [{ id: 'attr-x', taxonomy_term_id: 'term-nowhere' }] }),
    ]);
    expect(reasonsFor(journal, 'services', 'svc-1')).toEqual([
      expect.objectContaining({ field: 'attributes[0].taxonomy_term_id', code: 'unknown-taxonomy-term' }),
    ]);
    expect(store.get('services', 'svc-1')).toBeUndefined();
  });

  it('resolves references against the store: a known organization id without the object is fine', async () => {
    const store = new FakeStore();
    await importAll(store, [service(1)]);
    const { report, journal } = await importAll(store, [
      {
        id: 'svc-9',
        name: 'Nine',
        status: 'active',
        url: 'https://nine.example.org/',
        organization_id: 'org-0',
      },
      {
        id: 'svc-10',
        name: 'Ten',
        status: 'active',
        url: 'https://ten.example.org/',
        organization_id: 'org-missing',
      },
    ]);
    expect(report.counts.services.created).toBe(1);
    expect(reasonsFor(journal, 'services', 'svc-10')).toEqual([
      expect.objectContaining({ field: 'organization_id', code: 'broken-reference' }),
    ]);
  });

  it('quarantines a service whose organization is bad and not stored (broken reference), once per bad organization', async () => {
    const store = new FakeStore();
    const badOrg = organization(7, { name: 'TBC' });
    const { journal, report } = await importAll(store, [
      service(1, { organization: structuredClone(badOrg) }),
      service(2, { organization: structuredClone(badOrg) }),
    ]);
    expect(report.counts.organizations.quarantined).toBe(1);
    expect(reasonsFor(journal, 'organizations', 'org-7')).toEqual([
      expect.objectContaining({ field: 'organization.name', code: 'placeholder' }),
    ]);
    expect(reasonsFor(journal, 'services', 'svc-1')).toEqual([
      expect.objectContaining({ field: 'organization_id', code: 'broken-reference' }),
    ]);
    expect(report.counts.services.quarantined).toBe(2);
  });

  it('reports missing fields, bad types, malformed lines and non-objects without stopping', async () => {
    const store = new FakeStore();
    const journal = new MemoryJournal();
    async function* source(): AsyncGenerator<ImportElement> {
      yield {
        index: 1,
        value: { id: 'svc-a', status: 'active', minimum_age: 'ten', phones: [{ id: 'p1' }] },
      };
      yield { index: 2, error: 'Malformed JSON: Unexpected token' };
      yield { index: 3, value: 42 };
      yield { index: 4, value: service(4) };
    }
    const report = await runImport({ importId: 'i', format: 'ndjson', source: source(), store, journal });
    expect(report.status).toBe('completed');
    expect(report.counts.services).toMatchObject({ created: 1, quarantined: 3 });
    expect(reasonsFor(journal, 'services', 'svc-a').map((r) => [r.field, r.code])).toEqual([
      ['name', 'missing-required-field'],
      ['url', 'missing-required-field'], // Open Referral UK requires service.url
      ['minimum_age', 'bad-type'],
      ['phones[0].number', 'missing-required-field'],
    ]);
    expect(journal.quarantined.map((q) => [q.index, q.reasons[0]?.code])).toEqual([
      [1, 'missing-required-field'],
      [2, 'malformed-json'],
      [3, 'not-an-object'],
    ]);
  });

  it('quarantines what the store itself rejects and goes on', async () => {
    const store = new FakeStore();
    const { report, journal } = await importAll(store, [
      { id: 'bad id', name: 'x y', status: 'active', url: 'https://xy.example.org/' },
      { id: 'svc-ok', name: 'Fine', status: 'active', url: 'https://fine.example.org/' },
    ]);
    expect(report.counts.services).toMatchObject({ created: 1, quarantined: 1 });
    expect(reasonsFor(journal, 'services', 'bad id')[0]?.code).toBe('bad-format');
  });

  it('writes each table of a batch with one upsertMany, a shared organization once', async () => {
    const store = new FakeStore();
    const { report } = await importAll(store, [service(1), service(2), service(3)]);
    expect(store.batches).toEqual([
      { table: 'taxonomies', size: 1 },
      { table: 'taxonomy_terms', size: 1 },
      { table: 'organizations', size: 2 },
      { table: 'locations', size: 3 },
      { table: 'services', size: 3 },
      { table: 'service_at_locations', size: 3 },
    ]);
    expect(report.counts.organizations).toEqual({ created: 2, updated: 0, unchanged: 0, quarantined: 0 });
  });

  it('quarantines only the records the store rejects in a batch and writes the others', async () => {
    class PickyStore extends FakeStore {
      override async upsert(t: HsdsTable, r: HsdsRecord, p: Provenance): Promise<HsdsWriteResult> {
        if (r.id === 'svc-2') throw new ValidationError([{ field: 'id', code: 'taken', message: 'no' }]);
        return super.upsert(t, r, p);
      }
      override async upsertMany(t: HsdsTable, rs: HsdsRecord[], p: Provenance): Promise<HsdsWriteResult[]> {
        if (rs.some((r) => r.id === 'svc-2'))
          throw new ValidationError([{ field: 'records[1].id', code: 'taken', message: 'no' }]);
        return super.upsertMany(t, rs, p);
      }
    }
    const store = new PickyStore();
    const { report, journal } = await importAll(store, [service(1), service(2), service(3)]);
    expect(report.counts.services).toEqual({ created: 2, updated: 0, unchanged: 0, quarantined: 1 });
    expect(reasonsFor(journal, 'services', 'svc-2')).toEqual([
      { field: 'id', code: 'rejected-by-store', message: 'no' },
    ]);
    expect(store.get('services', 'svc-1')).toBeDefined();
    expect(store.get('services', 'svc-3')).toBeDefined();
  });

  it('reports a store failure as a failed import, keeping what was written', async () => {
    const store = new FakeStore();
    let calls = 0;
    const failing: HsdsStore = {
      existing: (t, ids) => store.existing(t, ids),
      upsert: (t, r, p) => store.upsert(t, r, p),
      upsertMany: async (t, r, p) => {
        calls += 1;
        if (calls > 3) throw new Error('connection reset');
        return store.upsertMany(t, r, p);
      },
    };
    const journal = new MemoryJournal();
    const report = await runImport({
      importId: 'i',
      format: 'json',
      source: elements([service(1), service(2)]),
      store: failing,
      journal,
      batchSize: 1,
    });
    expect(report.status).toBe('failed');
    expect(report.error).toBe('connection reset');
    expect(journal.reports.at(-1)).toEqual(report);
  });

  it('reports progress while it runs, then the final report', async () => {
    const store = new FakeStore();
    const { journal } = await importAll(store, [service(1), service(2), service(3), service(4)], 2);
    const statuses = journal.reports.map((r) => [r.status, r.processed]);
    expect(statuses).toEqual([
      ['running', 0],
      ['running', 2],
      ['running', 4],
      ['completed', 4],
    ]);
    expect(journal.reports.at(-1)?.finishedAt).toBeDefined();
  });
});
