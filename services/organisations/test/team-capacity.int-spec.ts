// The link workers' caseload limits cap the capacity of their organisation's services:
// team.caseload-changed events produced to the real broker and consumed by the service's consumer
// (unique group) change availability, status, what new referrals do (waitlist) and the
// service.capacity-changed events; stale and repeated events change nothing; two instances
// applying team events at once keep the newest.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  createEnvelope,
  ReferralSubmittedV1,
  TeamCaseloadChangedV1,
  type EventEnvelope,
  type TeamCaseloadChangedV1Data,
} from '@sp/contracts';
import { collectionOf } from '@sp/persistence';
import { uniqueName, waitFor } from '@sp/testing';
import { ServiceSignalsUpdater } from '../src/signals/service-signals.updater';
import {
  dropDatabase,
  seedDirectory,
  startSignalsHarness,
  type SignalsHarness,
} from './trust-capacity-harness';
import { orgId, svcId } from './hsds-test-app';

jest.setTimeout(180_000);

const meta = { source: '/test/referrals', correlationId: 'team-capacity-test' };
const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('team caseload limits and service capacity', () => {
  let h: SignalsHarness;
  let other: SignalsHarness | undefined;
  const run = uniqueName('team').replace(/-/g, '');
  const org = orgId(`org-lw-${run}`);
  const limited = svcId(`svc-limited-${run}`);
  const open = svcId(`svc-open-${run}`);

  const team = (
    teamVersion: number,
    headroom?: number,
    extra: Partial<TeamCaseloadChangedV1Data> = {},
  ): EventEnvelope =>
    createEnvelope(
      TeamCaseloadChangedV1,
      {
        organisationId: org,
        workers: 3,
        workersWithLimit: headroom === undefined ? 0 : 2,
        assigned: 4,
        unassigned: 1,
        ...(headroom !== undefined ? { limitTotal: 10, headroom } : {}),
        teamVersion,
        occurredAt: new Date().toISOString(),
        ...extra,
      },
      meta,
    );

  const capacity = async (svc: string) =>
    (
      await request(h.http)
        .get(`/v1/directory/services/${svc}/capacity`)
        .set('Authorization', await h.bearer({ organisationId: orgId('org-gp'), role: 'referrer' }))
        .expect(200)
    ).body as Record<string, unknown> & { service_capacity: { available?: number } | null };
  const waitForCapacity = (svc: string, predicate: (c: Record<string, unknown>) => boolean, what: string) =>
    waitFor(
      async () => {
        const c = await capacity(svc);
        return predicate(c) ? c : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: what },
    );
  const teamDoc = () => collectionOf(h.connection, 'team_caseload').findOne({ _id: org } as never);
  const capacityEvents = (svc: string) =>
    h
      .directoryEvents()
      .filter((e) => e.type.endsWith('service.capacity-changed.v1') && e.data['serviceId'] === svc);

  beforeAll(async () => {
    h = await startSignalsHarness('orgteam');
    await seedDirectory(
      h.connection,
      [{ id: org, kind: 'link-worker-service' }],
      [
        { id: limited, organisationId: org, terms: ['sp-need-loneliness'] },
        { id: open, organisationId: org, terms: ['sp-need-loneliness'] },
      ],
    );
    const provider = await h.bearer({ organisationId: org, role: 'provider' });
    for (const [svc, body] of [
      [limited, { status: 'has-capacity', unit: 'places', maximum: 5 }],
      [open, { status: 'has-capacity', unit: 'places' }],
    ] as const) {
      await request(h.http)
        .put(`/v1/directory/services/${svc}/capacity`)
        .set('Authorization', provider)
        .send(body)
        .expect(200);
    }
  });

  afterAll(async () => {
    await other?.close();
    await h?.close();
    if (h) await dropDatabase(h.shared.database);
  });

  it('caps availability by the team headroom, on reads and in service.capacity-changed', async () => {
    expect(await capacity(open)).toMatchObject({ capacityStatus: 'has-capacity', service_capacity: {} });
    expect((await capacity(open)).service_capacity?.available).toBeUndefined();

    await h.publish([team(1, 2)]);
    const limitedNow = await waitForCapacity(limited, (c) => c['teamHeadroom'] === 2, 'headroom 2');
    expect(limitedNow).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { maximum: 5, available: 2 },
      teamHeadroom: 2,
    });
    // No declared maximum: the headroom is what is known to be available.
    expect(await waitForCapacity(open, (c) => c['teamHeadroom'] === 2, 'open headroom 2')).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { available: 2 },
    });
    const announced = await waitFor(() => capacityEvents(limited).find((e) => e.data['available'] === 2), {
      timeoutMs: 30_000,
      description: 'capacity event with available 2',
    });
    expect(announced.data).toMatchObject({ organisationId: org, capacityStatus: 'has-capacity', maximum: 5 });
    expect(announced.key).toBe(org);
  });

  it('puts a service on waitlist when the headroom is 0: new referrals wait', async () => {
    await h.publish([team(3, 0)]);
    expect(await waitForCapacity(limited, (c) => c['teamHeadroom'] === 0, 'headroom 0')).toMatchObject({
      capacityStatus: 'waitlist',
      service_capacity: { maximum: 5, available: 0 },
      caseload: 0,
    });
    expect(await waitForCapacity(open, (c) => c['teamHeadroom'] === 0, 'open headroom 0')).toMatchObject({
      capacityStatus: 'waitlist',
      service_capacity: { available: 0 },
    });
    await waitFor(
      () =>
        capacityEvents(limited).find(
          (e) => e.data['capacityStatus'] === 'waitlist' && e.data['available'] === 0,
        ),
      { timeoutMs: 30_000, description: 'waitlist announced' },
    );

    await h.publish([
      createEnvelope(
        ReferralSubmittedV1,
        {
          referralId: randomUUID(),
          requesterOrganisationId: orgId('org-gp'),
          requesterOdsCode: 'A81001',
          targetServiceId: limited,
          ownerOrganisationId: org,
          needs: ['sp-need-loneliness'],
          priority: 'routine',
          status: 'requested',
          patientKey: PATIENT,
          occurredAt: new Date().toISOString(),
        },
        meta,
      ),
    ]);
    await waitForCapacity(limited, (c) => c['waitlistLength'] === 1, 'submission waitlisted');
  });

  it('ignores stale and repeated team events (ordered by teamVersion)', async () => {
    const v3Again = team(3, 0);
    // Same partition (keyed by organisation): v2 (stale) and the repeat are applied before v4.
    await h.publish([team(2, 4), v3Again, v3Again, team(4, 0, { assigned: 9 })]);
    await waitFor(async () => (await teamDoc())?.['teamVersion'] === 4, {
      timeoutMs: 60_000,
      description: 'team version 4',
    });
    expect(await teamDoc()).toMatchObject({ headroom: 0, assigned: 9 });
    expect(await capacity(limited)).toMatchObject({ capacityStatus: 'waitlist', teamHeadroom: 0 });
    // The stale headroom of 4 was never applied, so never announced.
    expect(capacityEvents(limited).filter((e) => e.data['available'] === 4)).toEqual([]);
  });

  it('lifts the cap when the team no longer sets limits', async () => {
    await h.publish([team(5)]);
    const c = await waitForCapacity(limited, (x) => x['teamHeadroom'] === undefined, 'no headroom');
    expect(c).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { maximum: 5, available: 5 },
    });
    expect((await capacity(open)).service_capacity?.available).toBeUndefined();
  });

  it('keeps the newest figures when two instances apply team events at once, each once', async () => {
    other = await startSignalsHarness('orgteam', { shared: h.shared, consume: false });
    const a = h.app.get(ServiceSignalsUpdater);
    const b = other.app.get(ServiceSignalsUpdater);
    const event = (v: number, headroom: number) => {
      const env = team(v, headroom);
      return { id: env.id, data: { ...(env.data as TeamCaseloadChangedV1Data) } };
    };
    const v6 = event(6, 3);
    const v7 = event(7, 1);
    // The same events delivered to both instances (a rebalance), in both orders.
    await Promise.all([
      a.onTeamCaseload(v6.id, v6.data),
      b.onTeamCaseload(v7.id, v7.data),
      a.onTeamCaseload(v7.id, v7.data),
      b.onTeamCaseload(v6.id, v6.data),
    ]);
    expect(await teamDoc()).toMatchObject({ teamVersion: 7, headroom: 1, eventId: v7.id });
    expect(await capacity(limited)).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { available: 1 },
      teamHeadroom: 1,
    });
  });
});
