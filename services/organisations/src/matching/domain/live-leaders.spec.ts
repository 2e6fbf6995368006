import type { CapacitySignals, TrustSignals } from '../../signals/service-signals.port';
import { rankWithLiveLeaders, withLiveSignals, type LiveSignals, type ReadLiveSignals } from './live-leaders';
import { rankServices, type MatchCandidate, type MatchQuery } from './ranking';

const MIDDLESBROUGH = { latitude: 54.576, longitude: -1.2348 };
const noHistory: TrustSignals = {
  medianHoursToFirstResponse: null,
  acceptanceRate: null,
  completionRate: null,
  referralsLast90Days: 0,
  sampleSize: 0,
};
const goodTrust: TrustSignals = {
  medianHoursToFirstResponse: 2,
  acceptanceRate: 1,
  completionRate: 1,
  referralsLast90Days: 30,
  sampleSize: 30,
};
const cap = (status: CapacitySignals['status'], extra: Partial<CapacitySignals> = {}): CapacitySignals => ({
  status,
  unit: 'places',
  caseload: 0,
  waitlistLength: 0,
  updated: '2026-06-01T00:00:00.000Z',
  ...extra,
});

/** Services s01..sNN, nearer (so better) the lower the number, all with room. */
function candidates(n: number): MatchCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    serviceId: `s${String(i + 1).padStart(2, '0')}`,
    serviceName: `Service ${i + 1}`,
    organisationId: `org-${i + 1}`,
    status: 'active',
    published: true,
    organisationActive: true,
    organisationVerified: true,
    taxonomyTermIds: ['need'],
    languages: [],
    locations: [{ latitude: MIDDLESBROUGH.latitude + i * 0.002, longitude: MIDDLESBROUGH.longitude }],
    capacity: cap('has-capacity'),
    trust: noHistory,
  }));
}

const query = (limit: number): MatchQuery => ({
  needs: ['need'],
  origin: MIDDLESBROUGH,
  radiusKm: 25,
  limit,
});

/** A live store: what the database says now, and a log of what was read. */
function liveStore(
  overrides: {
    capacity?: Record<string, CapacitySignals | null>;
    trust?: Record<string, TrustSignals>;
    verified?: Record<string, boolean>;
  } = {},
) {
  const reads: Array<{ serviceIds: string[]; organisationIds: string[] }> = [];
  const read: ReadLiveSignals = async (serviceIds, organisationIds) => {
    reads.push({ serviceIds, organisationIds });
    const live: LiveSignals = { services: new Map(), organisationsVerified: new Map() };
    for (const id of serviceIds) {
      live.services.set(id, {
        capacity: id in (overrides.capacity ?? {}) ? overrides.capacity![id]! : cap('has-capacity'),
        trust: overrides.trust?.[id] ?? noHistory,
      });
    }
    for (const id of organisationIds) live.organisationsVerified.set(id, overrides.verified?.[id] ?? true);
    return live;
  };
  return { read, reads };
}

const order = (r: { results: Array<{ serviceId: string }> }) => r.results.map((x) => x.serviceId);

describe('rankWithLiveLeaders', () => {
  it('reads live only the leaders (limit + margin) when nothing changed, in one read', async () => {
    const store = liveStore();
    const { outcome, servicesReadLive, rounds } = await rankWithLiveLeaders(
      query(3),
      candidates(40),
      store.read,
      {
        margin: 2,
      },
    );
    expect(order(outcome)).toEqual(['s01', 's02', 's03']);
    expect(outcome.total).toBe(40);
    expect(store.reads).toEqual([
      {
        serviceIds: ['s01', 's02', 's03', 's04', 's05'],
        organisationIds: ['org-1', 'org-2', 'org-3', 'org-4', 'org-5'],
      },
    ]);
    expect({ servicesReadLive, rounds }).toEqual({ servicesReadLive: 5, rounds: 1 });
  });

  it('gives the same answer as ranking everything on live data, with full services last and their wait', async () => {
    const store = liveStore({
      capacity: {
        s01: cap('waitlist', { waitlistLength: 4, estimatedWaitDays: 30 }),
        s02: cap('no-capacity'),
      },
      trust: { s03: goodTrust },
    });
    const { outcome } = await rankWithLiveLeaders(query(3), candidates(10), store.read, { margin: 2 });
    expect(order(outcome)).toEqual(['s03', 's04', 's05']);
    expect(outcome.results[0]?.trust).toEqual(goodTrust);
    expect(outcome.total).toBe(10);

    const all = await rankWithLiveLeaders(query(10), candidates(10), store.read, { margin: 0 });
    expect(order(all.outcome).slice(-2)).toEqual(['s01', 's02']);
    expect(all.outcome.results[8]).toMatchObject({
      full: true,
      reasons: expect.arrayContaining([
        expect.objectContaining({ code: 'waitlist', waitlistLength: 4, estimatedWaitDays: 30 }),
      ]),
    });
  });

  it('reads again when live data demoted more leaders than the margin covered, until every result was read live', async () => {
    const full = Object.fromEntries(['s01', 's02', 's03', 's04'].map((id) => [id, cap('no-capacity')]));
    const store = liveStore({ capacity: full });
    const { outcome, rounds } = await rankWithLiveLeaders(query(2), candidates(10), store.read, {
      margin: 1,
    });
    expect(order(outcome)).toEqual(['s05', 's06']);
    expect(rounds).toBe(2);
    expect(store.reads.map((r) => r.serviceIds)).toEqual([
      ['s01', 's02', 's03'],
      ['s04', 's05', 's06'],
    ]);
  });

  it('applies an organisation found unverified live to all its services, and reads each organisation once', async () => {
    const list = candidates(6).map((c, i) => ({
      ...c,
      organisationId: i < 3 ? 'org-shared' : c.organisationId,
    }));
    const store = liveStore({ verified: { 'org-shared': false } });
    const { outcome } = await rankWithLiveLeaders(query(2), list, store.read, { margin: 0 });
    expect(order(outcome)).toEqual(['s04', 's05']);
    expect(outcome.total).toBe(3);
    expect(outcome.excluded.map((e) => e.serviceId)).toEqual(['s01', 's02', 's03']);
    const organisationReads = store.reads.flatMap((r) => r.organisationIds);
    expect(organisationReads.filter((o) => o === 'org-shared')).toHaveLength(1);
  });

  it('promotes a service the snapshot thought full once it is read live with room', async () => {
    const list = candidates(4).map((c) => (c.serviceId === 's01' ? { ...c, capacity: cap('waitlist') } : c));
    const store = liveStore(); // live: everything has room
    const { outcome } = await rankWithLiveLeaders(query(4), list, store.read, { margin: 0 });
    expect(order(outcome)).toEqual(['s01', 's02', 's03', 's04']);
    expect(outcome.results.every((r) => !r.full)).toBe(true);
  });

  it('stops after maxRounds reads', async () => {
    const full = Object.fromEntries(
      candidates(10).map((c) => [
        c.serviceId,
        c.serviceId === 's10' ? cap('has-capacity') : cap('no-capacity'),
      ]),
    );
    const store = liveStore({ capacity: full });
    const { rounds } = await rankWithLiveLeaders(query(1), candidates(10), store.read, {
      margin: 0,
      maxRounds: 2,
    });
    expect(rounds).toBe(2);
    expect(store.reads).toHaveLength(2);
  });

  it('reads nothing when nothing is eligible', async () => {
    const store = liveStore();
    const list = candidates(3).map((c) => ({ ...c, organisationActive: false }));
    const { outcome } = await rankWithLiveLeaders(query(5), list, store.read);
    expect(outcome).toEqual(rankServices(query(5), list));
    expect(store.reads).toEqual([]);
  });
});

describe('withLiveSignals', () => {
  it('replaces only what was read and leaves the rest as it was', () => {
    const list = candidates(3);
    const merged = withLiveSignals(list, {
      services: new Map([['s01', { capacity: null, trust: goodTrust }]]),
      organisationsVerified: new Map([['org-2', false]]),
    });
    expect(merged[0]).toEqual({ ...list[0], capacity: null, trust: goodTrust });
    expect(merged[1]).toEqual({ ...list[1], organisationVerified: false });
    expect(merged[2]).toBe(list[2]);
  });
});
