// The analytics read model on the real database: counts stay exact when many events for the same
// counters are applied at once (several consumers, several partitions), including the events that
// create a new organisation's or service's counters, and a redelivered event is never counted
// twice, whatever it races with and however late it comes.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import { ReferralCounterRepository } from '../src/referral-stats/referral-counter.repository';

jest.setTimeout(60_000);

describe('referral counters on the real database', () => {
  let connections: Connection[] = [];
  let repositories: ReferralCounterRepository[] = [];

  beforeAll(async () => {
    const url = testInfra.mongoUrlFor(testDatabaseName('analytics-counters'));
    // Two connections (two pools), as two consumer processes would write.
    connections = await Promise.all([connectMongo(url), connectMongo(url)]);
    repositories = connections.map((c) => new ReferralCounterRepository(c));
    await repositories[0]!.onModuleInit();
  });

  afterAll(async () => {
    await connections[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(connections.map((c) => c.close()));
  });

  const submitted = (org: string, svc: string, priority = 'routine') => ({
    eventId: randomUUID(),
    requesterOrganisationId: org,
    targetServiceId: svc,
    priority,
    occurredAt: new Date().toISOString(),
  });

  it('counts every distinct event exactly once when they create and update the same counters concurrently', async () => {
    const [a, b] = repositories as [ReferralCounterRepository, ReferralCounterRepository];
    const org = `org-${randomUUID()}`;
    const svc = `svc-${randomUUID()}`;
    const events = Array.from({ length: 120 }, (_, n) =>
      submitted(org, svc, n % 3 === 0 ? 'urgent' : 'routine'),
    );
    // Every event twice, through both writers, all at once: redeliveries racing first deliveries.
    const outcomes = await Promise.all(
      events.flatMap((e, n) => {
        const origin = { partition: n % 6 };
        return [(n % 2 ? a : b).countSubmitted(e, origin), (n % 2 ? b : a).countSubmitted(e, origin)];
      }),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(events.length);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(events.length);
    // A late redelivery (after many other events) is still recognised.
    expect(await a.countSubmitted(events[0]!, { partition: 0 })).toBe('duplicate');

    const byOrg = await a.forOrganisation(org);
    expect(byOrg).toMatchObject({
      organisationId: org,
      submitted: 120,
      byPriority: { urgent: 40, routine: 80 },
    });
    expect(await a.forService(svc)).toMatchObject({ organisationId: null, submitted: 120 });
  });

  it('counts status changes, reasons and wellbeing per organisation and service, and sums the platform', async () => {
    const [a, b] = repositories as [ReferralCounterRepository, ReferralCounterRepository];
    const orgs = [`org-${randomUUID()}`, `org-${randomUUID()}`];
    const svc = `svc-${randomUUID()}`;
    const before = (await a.platform())?.transitions ?? {};
    const facts = orgs.flatMap((org) =>
      Array.from({ length: 30 }, (_, n) => ({
        eventId: randomUUID(),
        requesterOrganisationId: org,
        targetServiceId: svc,
        occurredAt: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
        ...(n % 2
          ? { toStatus: 'rejected', reasonCode: 'no-capacity' }
          : {
              toStatus: 'completed',
              wellbeing: {
                baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 8 },
                followUp: { lifeSatisfaction: 6, worthwhile: 6, happiness: 5, anxiety: 5 },
              },
            }),
      })),
    );
    await Promise.all(facts.map((f, n) => (n % 2 ? a : b).countLifecycle(f, { partition: n % 6 })));
    // Redelivered: no effect.
    await Promise.all(facts.slice(0, 10).map((f, n) => b.countLifecycle(f, { partition: n % 6 })));

    for (const org of orgs) {
      expect(await a.forOrganisation(org)).toMatchObject({
        transitions: { rejected: 15, completed: 15 },
        reasons: { 'no-capacity': 15 },
        wellbeing: { pairs: 15, lifeSatisfaction: 30, worthwhile: 15, happiness: 30, anxiety: -45 },
        lastEventAt: new Date(Date.UTC(2025, 0, 1, 0, 29)).toISOString(),
      });
    }
    expect(await a.forService(svc)).toMatchObject({
      transitions: { rejected: 30, completed: 30 },
      wellbeing: { pairs: 30 },
    });
    expect((await a.allOrganisations()).filter((c) => orgs.includes(c.organisationId!))).toEqual(
      orgs.sort().map((organisationId) => expect.objectContaining({ organisationId, submitted: 0 })),
    );
    const platform = await a.platform();
    expect(platform?.transitions?.['rejected']).toBe((before['rejected'] ?? 0) + 30);
    expect(platform?.transitions?.['completed']).toBe((before['completed'] ?? 0) + 30);
  });
});

describe('referral counters written before the shards', () => {
  it('reads an unsharded counter document as one more shard', async () => {
    const url = testInfra.mongoUrlFor(testDatabaseName('analytics-legacy'));
    const connection = await connectMongo(url);
    try {
      const repository = new ReferralCounterRepository(connection);
      await repository.onModuleInit();
      await connection.db!.collection('referral_counters').insertMany([
        {
          _id: 'org:org-old',
          organisationId: 'org-old',
          submitted: 7,
          byPriority: { routine: 7 },
          lastEventAt: '2025-01-01T00:00:00.000Z',
          appliedEventIds: ['e-old'],
        },
        {
          _id: 'svc:svc-old',
          organisationId: null,
          serviceId: 'svc-old',
          submitted: 7,
          byPriority: { routine: 7 },
          lastEventAt: '2025-01-01T00:00:00.000Z',
          appliedEventIds: ['e-old'],
        },
      ] as never[]);
      const fact = {
        eventId: randomUUID(),
        requesterOrganisationId: 'org-old',
        targetServiceId: 'svc-old',
        priority: 'urgent',
        occurredAt: '2025-02-01T00:00:00.000Z',
      };
      expect(await repository.countSubmitted(fact, { partition: 3 })).toBe('applied');
      const expected = { submitted: 8, byPriority: { routine: 7, urgent: 1 }, lastEventAt: fact.occurredAt };
      expect(await repository.forOrganisation('org-old')).toMatchObject({
        organisationId: 'org-old',
        ...expected,
      });
      expect(await repository.forService('svc-old')).toMatchObject({ serviceId: 'svc-old', ...expected });
      expect(await repository.forOrganisation('org-none')).toBeNull();
    } finally {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  });
});
