import { directoryIdForSlug } from '@sp/contracts';
import type { HsdsStore, HsdsWriteResult } from '../hsds/hsds-store.port';
import { DirectoryChanges, type DirectoryChange } from './directory-changes';

function listen(changes: DirectoryChanges): DirectoryChange[] {
  const seen: DirectoryChange[] = [];
  changes.subscribe((c) => seen.push(c));
  return seen;
}

describe('DirectoryChanges', () => {
  it('tells every listener, keeps going when one throws, and stops telling one that unsubscribed', () => {
    const changes = new DirectoryChanges();
    changes.subscribe(() => {
      throw new Error('broken listener');
    });
    const seen = listen(changes);
    const other: DirectoryChange[] = [];
    const unsubscribe = changes.subscribe((c) => other.push(c));
    changes.capacityChanged('svc-1', null);
    unsubscribe();
    changes.recordsChanged('services', ['svc-1']);
    changes.recordsChanged('services', []); // nothing to say
    expect(seen).toEqual([
      { kind: 'capacity', serviceId: 'svc-1', capacity: null },
      { kind: 'records', table: 'services', ids: ['svc-1'] },
    ]);
    expect(other).toHaveLength(1);
  });

  it('hands listeners a copy of the evidence, not the writer’s object', () => {
    const changes = new DirectoryChanges();
    const seen = listen(changes);
    const evidence = {};
    changes.evidenceChanged('org-1', evidence);
    expect(seen[0]).toEqual({ kind: 'evidence', organisationId: 'org-1', evidence: {} });
    expect((seen[0] as { evidence: object }).evidence).not.toBe(evidence);
  });

  it('records what an import writes (created or updated, not unchanged) and announces it once, per table, on flush', async () => {
    const outcomes: Record<string, HsdsWriteResult['outcome']> = {
      'svc-new': 'created',
      'svc-changed': 'updated',
      'svc-same': 'unchanged',
      'loc-1': 'created',
    };
    const store: HsdsStore = {
      upsert: async (_table, record) => ({ outcome: outcomes[record.id]! }),
      upsertMany: async (_table, records) => records.map((r) => ({ outcome: outcomes[r.id]! })),
      existing: async (_table, ids) => new Set(ids.filter((id) => id in outcomes)),
    };
    const changes = new DirectoryChanges();
    const seen = listen(changes);
    const recording = changes.recording(store);
    const provenance = { updatedBy: 'import:1', source: 'hsds-import' };

    expect(
      await recording.store.upsertMany(
        'services',
        [{ id: 'svc-new' }, { id: 'svc-changed' }, { id: 'svc-same' }],
        provenance,
      ),
    ).toEqual([{ outcome: 'created' }, { outcome: 'updated' }, { outcome: 'unchanged' }]);
    await recording.store.upsert('locations', { id: 'loc-1' }, provenance);
    await recording.store.upsert('services', { id: 'svc-new' }, provenance);
    expect(await recording.store.existing('services', ['svc-new', 'nope'])).toEqual(new Set(['svc-new']));
    expect(seen).toEqual([]); // nothing until the import ends

    recording.flush();
    // Named by their stored ids: the UUIDs of the slugs the import gave.
    expect(seen).toEqual([
      {
        kind: 'records',
        table: 'services',
        ids: [directoryIdForSlug('services', 'svc-new'), directoryIdForSlug('services', 'svc-changed')],
      },
      { kind: 'records', table: 'locations', ids: [directoryIdForSlug('locations', 'loc-1')] },
    ]);
    recording.flush();
    expect(seen).toHaveLength(2);
  });
});
