import { EVIDENCE_TYPES } from '@sp/contracts';
import { DirectoryChanges } from '../signals/directory-changes';
import type { CapacitySignals } from '../signals/service-signals.port';
import { candidatesNear, sitesOf } from './domain/match-snapshot';
import { MAX_PATCHED_RECORDS, MatchSnapshotStore } from './match-snapshot.store';

type Doc = Record<string, unknown> & { _id: string };

/**
 * An in-memory stand-in for a collection: `find({})` and `find({ field: { $in } })`, read at the
 * time of the call (like a cursor over what was there), optionally held at a gate.
 */
class FakeCollection {
  docs = new Map<string, Doc>();
  finds: Array<Record<string, unknown>> = [];
  gate?: Promise<void>;

  constructor(docs: Doc[] = []) {
    for (const d of docs) this.docs.set(d._id, d);
  }

  find(filter: Record<string, { $in: string[] }>) {
    this.finds.push(filter);
    const [field, condition] = Object.entries(filter)[0] ?? [];
    const found = [...this.docs.values()]
      .filter((d) => !field || condition!.$in.includes(String(d[field])))
      .map((d) => structuredClone(d));
    const gate = this.gate;
    const toArray = async () => found;
    return {
      toArray,
      async *[Symbol.asyncIterator]() {
        if (gate) await gate;
        yield* found;
      },
    };
  }

  async findOne(): Promise<Doc | null> {
    return [...this.docs.values()][0] ?? null;
  }

  fullReads(): number {
    return this.finds.filter((f) => Object.keys(f).length === 0).length;
  }
}

const NOW = Date.now();
const future = new Date(NOW + 365 * 86_400_000).toISOString();
const evidence = Object.fromEntries(
  EVIDENCE_TYPES.map((t) => [
    t,
    {
      reference: 'r',
      verifiedBy: 'ops',
      verifiedAt: '2026-01-01T00:00:00Z',
      expiresAt: future,
      status: 'current',
    },
  ]),
);
const MIDDLESBROUGH = { latitude: 54.576, longitude: -1.2348 };
const LEEDS = { latitude: 53.796, longitude: -1.548 };

function fixture(ttl = 300_000, preload?: boolean) {
  const db = {
    organizations: new FakeCollection([
      { _id: 'org-a', name: 'A', sp: { kind: 'vcs', status: 'active' } },
      { _id: 'org-b', name: 'B', sp: { kind: 'vcs', status: 'active' } },
    ]),
    services: new FakeCollection([
      {
        _id: 'svc-a',
        name: 'Service A',
        organization_id: 'org-a',
        status: 'active',
        sp: { taxonomyTermIds: ['lonely'] },
      },
      {
        _id: 'svc-b',
        name: 'Service B',
        organization_id: 'org-b',
        status: 'active',
        sp: { taxonomyTermIds: ['lonely', 'debt'] },
      },
    ]),
    locations: new FakeCollection([
      { _id: 'loc-a', latitude: MIDDLESBROUGH.latitude, longitude: MIDDLESBROUGH.longitude },
      { _id: 'loc-b', latitude: MIDDLESBROUGH.latitude, longitude: MIDDLESBROUGH.longitude },
    ]),
    serviceAtLocations: new FakeCollection([
      { _id: 'sal-a', service_id: 'svc-a', location_id: 'loc-a' },
      { _id: 'sal-b', service_id: 'svc-b', location_id: 'loc-b' },
    ]),
    assurance: new FakeCollection([
      { _id: 'org-a', evidence },
      { _id: 'org-b', evidence },
    ]),
    capacity: new FakeCollection([
      {
        _id: 'svc-a',
        declared: { status: 'has-capacity', unit: 'places', maximum: 5, updated: 'x', updatedBy: 'y' },
        caseload: 1,
        waitlist: [],
        freedLast90Days: 0,
        updatedAt: new Date(NOW),
      },
    ]),
    trust: new FakeCollection([
      {
        _id: 'svc-b',
        trust: { medianHoursToFirstResponse: 5, acceptanceRate: 0.5, completionRate: null, sampleSize: 2 },
        submittedPerDay: {},
      },
    ]),
  };
  const changes = new DirectoryChanges();
  const store = new MatchSnapshotStore(
    {
      organizations: db.organizations,
      services: db.services,
      locations: db.locations,
      serviceAtLocations: db.serviceAtLocations,
    } as never,
    { collection: db.capacity } as never,
    { collection: db.trust } as never,
    { collection: db.assurance } as never,
    changes,
    { MATCH_SNAPSHOT_TTL_MS: ttl, ...(preload === undefined ? {} : { MATCH_SNAPSHOT_PRELOAD: preload }) },
  );
  store.onModuleInit();
  const everything = () => Object.values(db).reduce((n, c) => n + c.finds.length, 0);
  return { db, changes, store, everything };
}

const near = async (store: MatchSnapshotStore, needs = ['lonely', 'debt']) =>
  candidatesNear(await store.snapshot(), needs, MIDDLESBROUGH, 25, new Date(NOW));

const full = (status: CapacitySignals['status']): CapacitySignals => ({
  status,
  unit: 'places',
  caseload: 0,
  waitlistLength: 0,
  updated: 'now',
});

describe('MatchSnapshotStore', () => {
  it('builds listings and signals at the first match, one read per collection', async () => {
    const { store, db, everything } = fixture();
    const candidates = await near(store);
    expect(candidates.map((c) => c.serviceId).sort()).toEqual(['svc-a', 'svc-b']);
    const a = candidates.find((c) => c.serviceId === 'svc-a');
    expect(a).toMatchObject({
      organisationName: 'A',
      organisationActive: true,
      organisationVerified: true,
      capacity: { status: 'has-capacity', available: 4, caseload: 1 },
      locations: [MIDDLESBROUGH],
    });
    expect(candidates.find((c) => c.serviceId === 'svc-b')?.trust).toMatchObject({ acceptanceRate: 0.5 });
    expect(everything()).toBe(7);
    expect(Object.values(db).every((c) => c.fullReads() === 1)).toBe(true);
    await near(store);
    expect(everything()).toBe(7); // served from memory
  });

  it('starts the first build at boot when the directory already holds services, and the first match uses it', async () => {
    const { store, everything } = fixture(300_000, true);
    store.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    await store.settled();
    expect(store.isBuilt()).toBe(true);
    expect(everything()).toBe(7);
    expect((await near(store)).map((c) => c.serviceId).sort()).toEqual(['svc-a', 'svc-b']);
    expect(everything()).toBe(7); // no second build
  });

  it('leaves an empty directory at boot, or a disabled preload, to the first match', async () => {
    const empty = fixture(300_000, true);
    empty.db.services.docs.clear();
    empty.store.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    await empty.store.settled();
    expect(empty.store.isBuilt()).toBe(false);
    expect(empty.everything()).toBe(0);

    const off = fixture(300_000, false);
    off.store.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    await off.store.settled();
    expect(off.store.isBuilt()).toBe(false);
    await near(off.store);
    expect(off.store.isBuilt()).toBe(true);
  });

  it('patches capacity, trust and evidence from the notification itself, without reading', async () => {
    const { store, changes, everything } = fixture();
    await store.snapshot();
    const reads = everything();
    changes.capacityChanged('svc-a', full('no-capacity'));
    changes.trustChanged('svc-a', {
      medianHoursToFirstResponse: 1,
      acceptanceRate: 1,
      completionRate: 1,
      referralsLast90Days: 3,
      sampleSize: 3,
    });
    changes.evidenceChanged('org-b', {});
    const candidates = await near(store);
    expect(candidates.find((c) => c.serviceId === 'svc-a')).toMatchObject({
      capacity: { status: 'no-capacity' },
      trust: { referralsLast90Days: 3 },
    });
    expect(candidates.find((c) => c.serviceId === 'svc-b')?.organisationVerified).toBe(false);
    expect(everything()).toBe(reads);
  });

  it('re-reads changed records by id before the next match: service, organisation, location, link', async () => {
    const { store, changes, db } = fixture();
    await store.snapshot();

    db.services.docs.set('svc-a', { ...db.services.docs.get('svc-a')!, sp: { taxonomyTermIds: ['food'] } });
    db.organizations.docs.set('org-b', {
      _id: 'org-b',
      name: 'B renamed',
      sp: { kind: 'vcs', status: 'suspended' },
    });
    db.locations.docs.set('loc-b', { _id: 'loc-b', latitude: LEEDS.latitude, longitude: LEEDS.longitude });
    changes.recordsChanged('services', ['svc-a']);
    changes.recordsChanged('organizations', ['org-b']);
    changes.recordsChanged('locations', ['loc-b']);
    expect((await near(store, ['lonely', 'debt'])).map((c) => c.serviceId)).toEqual(['svc-b']);
    expect((await near(store, ['food'])).map((c) => c.serviceId)).toEqual(['svc-a']);
    const b = (await store.snapshot()).organisations.get('org-b');
    expect(b).toEqual({ name: 'B renamed', kind: 'vcs', active: false });
    expect(sitesOf(await store.snapshot(), 'svc-b')).toEqual([LEEDS]);

    // A removed link: its service (known from the snapshot) is re-read with its remaining sites.
    db.serviceAtLocations.docs.delete('sal-a');
    changes.recordsChanged('service_at_locations', ['sal-a']);
    expect(sitesOf(await store.snapshot(), 'svc-a')).toEqual([]);
    // A new link to a site the snapshot does not know yet.
    db.locations.docs.set('loc-new', { _id: 'loc-new', latitude: 54.5, longitude: -1.3 });
    db.serviceAtLocations.docs.set('sal-new', {
      _id: 'sal-new',
      service_id: 'svc-a',
      location_id: 'loc-new',
    });
    changes.recordsChanged('service_at_locations', ['sal-new']);
    expect(sitesOf(await store.snapshot(), 'svc-a')).toEqual([{ latitude: 54.5, longitude: -1.3 }]);
    // A service gone from the store is forgotten.
    db.services.docs.delete('svc-b');
    changes.recordsChanged('services', ['svc-b']);
    expect((await store.snapshot()).services.has('svc-b')).toBe(false);
    // Only `_id` / `service_id` lookups, never another full read.
    expect(Object.values(db).every((c) => c.fullReads() === 1)).toBe(true);
  });

  it('applies again to the new snapshot what was notified while it was being built', async () => {
    const { store, changes, db } = fixture(1);
    await store.snapshot();
    await new Promise((resolve) => setTimeout(resolve, 5)); // older than the TTL
    let release!: () => void;
    db.services.gate = new Promise<void>((resolve) => (release = resolve));
    await store.snapshot(); // starts a rebuild in the background
    // The rebuild has read the services as they were (held before handing them over)...
    while (db.services.fullReads() < 2) await new Promise((resolve) => setImmediate(resolve));
    // ...when these are written and notified; capacity is read after them.
    db.services.docs.set('svc-b', { ...db.services.docs.get('svc-b')!, name: 'Renamed during the build' });
    changes.recordsChanged('services', ['svc-b']);
    db.capacity.docs.delete('svc-a');
    changes.capacityChanged('svc-a', full('waitlist'));
    db.services.gate = undefined;
    release();
    await store.settled();
    const snapshot = await store.snapshot();
    expect(db.capacity.fullReads()).toBe(2);
    expect(snapshot.capacity.get('svc-a')?.status).toBe('waitlist');
    expect(snapshot.services.get('svc-b')?.serviceName).toBe('Renamed during the build');
  });

  it('rebuilds instead of re-reading when very many records changed at once', async () => {
    const { store, changes, db } = fixture();
    await store.snapshot();
    changes.recordsChanged(
      'services',
      Array.from({ length: MAX_PATCHED_RECORDS + 1 }, (_, i) => `svc-${i}`),
    );
    await store.snapshot();
    await store.settled();
    expect(db.services.fullReads()).toBe(2);
    expect(db.services.finds.filter((f) => '_id' in f)).toEqual([]);
  });

  it('serves the current snapshot while rebuilding once older than the TTL; 0 rebuilds for every match', async () => {
    const aged = fixture(1);
    await aged.store.snapshot();
    await new Promise((resolve) => setTimeout(resolve, 5));
    aged.db.services.docs.delete('svc-b');
    let release!: () => void;
    aged.db.services.gate = new Promise<void>((resolve) => (release = resolve));
    expect((await aged.store.snapshot()).services.has('svc-b')).toBe(true); // old one, at once
    release();
    await aged.store.settled();
    expect((await aged.store.snapshot()).services.has('svc-b')).toBe(false);

    const always = fixture(0);
    await always.store.snapshot();
    await always.store.snapshot();
    expect(always.db.services.fullReads()).toBe(2);
  });

  it('ignores notifications before the first build (which reads them) and after shutdown', async () => {
    const { store, changes, db } = fixture();
    changes.capacityChanged('svc-a', full('no-capacity'));
    changes.recordsChanged('services', ['svc-a']);
    expect((await store.snapshot()).capacity.get('svc-a')?.status).toBe('has-capacity');
    store.onModuleDestroy();
    changes.capacityChanged('svc-a', full('no-capacity'));
    expect((await store.snapshot()).capacity.get('svc-a')?.status).toBe('has-capacity');
    expect(db.services.finds).toHaveLength(1);
  });
});
