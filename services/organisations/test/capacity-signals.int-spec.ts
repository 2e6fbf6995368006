// Capacity and trust signals derived from a stream of referral events produced to the real broker
// and consumed by the service's consumer (unique group): caseload, availability, waitlist, rates,
// service.capacity-changed on the directory topic, redelivery harmless; plus access rules and bad
// input of the capacity endpoints.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralRejectedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  type EventEnvelope,
  type TaskStatus,
} from '@sp/contracts';
import { uniqueName, waitFor } from '@sp/testing';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../src/signals/service-signals.port';
import { seedDirectory, startSignalsHarness, type SignalsHarness } from './trust-capacity-harness';
import { orgId, svcId } from './hsds-test-app';

jest.setTimeout(180_000);

const HOUR = 3_600_000;
const meta = { source: '/test/referrals', correlationId: 'capacity-test' };
const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('capacity and trust from referral events', () => {
  let h: SignalsHarness;
  const run = uniqueName('cap').replace(/-/g, '');
  const org = orgId(`org-vcs-${run}`);
  const svc = svcId(`svc-${run}`);
  const T0 = Date.now() - 10 * 24 * HOUR; // ten days ago: inside the 90-day window
  const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
  const versions = new Map<string, { version: number; status: TaskStatus }>();
  const ids: Record<string, string> = {};
  const rid = (name: string) => (ids[name] ??= randomUUID());

  function submitted(name: string, hour: number): EventEnvelope {
    versions.set(rid(name), { version: 1, status: 'requested' });
    return createEnvelope(
      ReferralSubmittedV1,
      {
        referralId: rid(name),
        requesterOrganisationId: orgId('org-gp'),
        requesterOdsCode: 'A81001',
        targetServiceId: svc,
        ownerOrganisationId: org,
        needs: ['sp-need-loneliness'],
        priority: 'routine',
        status: 'requested',
        patientKey: PATIENT,
        occurredAt: at(hour),
      },
      meta,
    );
  }

  function moved(
    name: string,
    hour: number,
    to: 'accepted' | 'rejected' | 'expired' | 'in-progress' | 'completed' | 'failed' | 'entered-in-error',
  ): EventEnvelope {
    const id = rid(name);
    const prev = versions.get(id)!;
    const version = prev.version + 1;
    const base = {
      referralId: id,
      version,
      requesterOrganisationId: orgId('org-gp'),
      targetServiceId: svc,
      ownerOrganisationId: org,
      fromStatus: prev.status,
      actor: { organisationId: org, role: 'provider' as const },
      patientKey: PATIENT,
      submittedAt: at(0),
      occurredAt: at(hour),
    };
    versions.set(id, { version, status: to === 'expired' ? 'rejected' : to });
    switch (to) {
      case 'accepted':
        return createEnvelope(ReferralAcceptedV1, { ...base, toStatus: 'accepted', claimed: false }, meta);
      case 'rejected':
        return createEnvelope(
          ReferralRejectedV1,
          { ...base, toStatus: 'rejected', reasonCode: 'not-eligible' },
          meta,
        );
      case 'expired':
        return createEnvelope(
          ReferralExpiredV1,
          {
            ...base,
            toStatus: 'rejected',
            reasonCode: 'no-response',
            respondBy: at(hour),
            actor: { organisationId: 'platform', role: 'system' },
          },
          meta,
        );
      case 'in-progress':
        return createEnvelope(ReferralStartedV1, { ...base, toStatus: 'in-progress' }, meta);
      case 'completed':
        return createEnvelope(
          ReferralCompletedV1,
          { ...base, toStatus: 'completed', outcomeCodes: [] },
          meta,
        );
      case 'failed':
        return createEnvelope(
          ReferralFailedV1,
          { ...base, toStatus: 'failed', reasonCode: 'unable-to-contact' },
          meta,
        );
      case 'entered-in-error':
        return createEnvelope(ReferralEnteredInErrorV1, { ...base, toStatus: 'entered-in-error' }, meta);
    }
  }

  const capacity = async () =>
    (
      await request(h.http)
        .get(`/v1/directory/services/${svc}/capacity`)
        .set('Authorization', await h.bearer({ organisationId: orgId('org-gp'), role: 'referrer' }))
        .expect(200)
    ).body;
  const waitForCapacity = (predicate: (c: Record<string, unknown>) => boolean, description: string) =>
    waitFor(
      async () => {
        const c = await capacity();
        return predicate(c) ? c : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description },
    );
  const capacityEvents = () =>
    h
      .directoryEvents()
      .filter((e) => e.type.endsWith('service.capacity-changed.v1') && e.data['serviceId'] === svc);

  beforeAll(async () => {
    h = await startSignalsHarness('orgcapacity');
    await seedDirectory(
      h.connection,
      [
        { id: org, kind: 'vcs' },
        { id: `other-${run}`, kind: 'vcs' },
      ],
      [{ id: svc, organisationId: org, terms: ['sp-need-loneliness'] }],
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lets only the service organisation admins and ops declare capacity, rejecting bad input whole', async () => {
    const url = `/v1/directory/services/${svc}/capacity`;
    const good = { status: 'has-capacity', unit: 'places', maximum: 2, typicalWaitDays: 10 };
    await request(h.http).put(url).send(good).expect(401);
    await request(h.http)
      .put(url)
      .set('Authorization', await h.bearer({ organisationId: org, role: 'referrer' }))
      .send(good)
      .expect(403);
    await request(h.http)
      .put(url)
      .set('Authorization', await h.bearer({ organisationId: `other-${run}`, role: 'provider' }))
      .send(good)
      .expect(403);
    await request(h.http)
      .put(`/v1/directory/services/svc-missing-${run}/capacity`)
      .set('Authorization', await h.bearer({ organisationId: org, role: 'provider' }))
      .send(good)
      .expect(404);
    const bad = await request(h.http)
      .put(url)
      .set('Authorization', await h.bearer({ organisationId: org, role: 'provider' }))
      .send({ status: 'lots', maximum: -1, available: 5 })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'available',
      'maximum',
      'status',
    ]);
    expect((await capacity()).declared).toBeNull();

    const ok = await request(h.http)
      .put(url)
      .set('Authorization', await h.bearer({ organisationId: org, role: 'provider' }))
      .send(good)
      .expect(200);
    expect(ok.body).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { service_id: svc, unit: { name: 'places' }, available: 2, maximum: 2 },
      caseload: 0,
      waitlistLength: 0,
    });
    const declared = await waitFor(() => capacityEvents()[0], {
      timeoutMs: 30_000,
      description: 'capacity event',
    });
    expect(declared.data).toMatchObject({
      organisationId: org,
      capacityStatus: 'has-capacity',
      maximum: 2,
      available: 2,
      caseload: 0,
    });
    expect(declared.key).toBe(org);
  });

  it('derives caseload, availability and the waitlist from the referral stream', async () => {
    // Phase 1: three referrals; two accepted (r1 after 24 h, r2 after 48 h), r3 rejected after 12 h.
    await h.publish([submitted('r1', 0), submitted('r2', 0), submitted('r3', 0)]);
    await waitFor(
      async () =>
        (await h.app.get<ServiceSignalsReader>(SERVICE_SIGNALS).forServices([svc])).get(svc)?.trust
          .referralsLast90Days === 3,
      { timeoutMs: 60_000, description: 'three submissions' },
    );
    const acceptR1 = moved('r1', 24, 'accepted');
    await h.publish([acceptR1, moved('r2', 48, 'accepted'), moved('r3', 12, 'rejected')]);
    await waitForCapacity((c) => c['caseload'] === 2, 'caseload 2');
    expect(await capacity()).toMatchObject({
      capacityStatus: 'waitlist',
      service_capacity: { available: 0, maximum: 2 },
      caseload: 2,
    });

    // Redelivery of an acceptance changes nothing.
    await h.publish([acceptR1]);

    // Phase 2: submitted while full -> waitlist positions 1 and 2.
    await h.publish([submitted('w1', 60)]);
    await waitForCapacity((c) => c['waitlistLength'] === 1, 'w1 waitlisted');
    await h.publish([submitted('w2', 61)]);
    await waitForCapacity((c) => c['waitlistLength'] === 2, 'w2 waitlisted');
    const provider = await h.bearer({ organisationId: org, role: 'provider' });
    const list = (
      await request(h.http)
        .get(`/v1/directory/services/${svc}/waitlist`)
        .set('Authorization', provider)
        .expect(200)
    ).body;
    expect(
      list.entries.map((e: { position: number; referralId: string }) => [e.position, e.referralId]),
    ).toEqual([
      [1, rid('w1')],
      [2, rid('w2')],
    ]);
    // No place freed yet: the declared typical wait (10 days) is the estimate.
    expect(list.entries.map((e: { estimatedWaitDays: number }) => e.estimatedWaitDays)).toEqual([10, 10]);
    // Another organisation sees positions, not referral ids.
    const outsider = (
      await request(h.http)
        .get(`/v1/directory/services/${svc}/waitlist`)
        .set('Authorization', await h.bearer({ organisationId: `other-${run}`, role: 'provider' }))
        .expect(200)
    ).body;
    expect(outsider.entries[0]).not.toHaveProperty('referralId');

    // Phase 3: r1 completes (a place frees), w1 is accepted into it: w2 moves up to position 1.
    await h.publish([moved('r1', 30, 'in-progress')]);
    await h.publish([moved('r1', 200, 'completed')]);
    await waitForCapacity((c) => c['caseload'] === 1, 'r1 completed');
    expect(await capacity()).toMatchObject({
      capacityStatus: 'has-capacity',
      service_capacity: { available: 1 },
    });
    await h.publish([moved('w1', 210, 'accepted')]);
    await waitForCapacity((c) => c['waitlistLength'] === 1 && c['caseload'] === 2, 'w1 accepted');
    const after = (
      await request(h.http)
        .get(`/v1/directory/services/${svc}/waitlist`)
        .set('Authorization', provider)
        .expect(200)
    ).body;
    expect(after.entries).toEqual([
      // one place freed in 90 days: ceil(1 x 90 / 1)
      { position: 1, referralId: rid('w2'), waitingSince: at(61), estimatedWaitDays: 90 },
    ]);

    // Phase 4: r2 fails, r4 expires unanswered, r5 accepted then entered in error (disregarded), r2's consent withdrawn.
    await h.publish([moved('r2', 220, 'failed'), submitted('r4', 100), submitted('r5', 100)]);
    await waitForCapacity((c) => c['caseload'] === 1, 'r2 failed');
    await h.publish([moved('r4', 436, 'expired'), moved('r5', 101, 'accepted')]);
    await h.publish([moved('r5', 102, 'entered-in-error')]);
    await h.publish([
      createEnvelope(
        ReferralConsentWithdrawnV1,
        {
          referralId: rid('r2'),
          requesterOrganisationId: orgId('org-gp'),
          rootReferralId: rid('r2'),
          occurredAt: at(230),
        },
        meta,
      ),
    ]);
    const reader = h.app.get<ServiceSignalsReader>(SERVICE_SIGNALS);
    const signals = await waitFor(
      async () => {
        const s = (await reader.forServices([svc])).get(svc);
        // Capacity and trust are separate documents, each updated as an event is applied: wait for
        // the last event's effect on both (r5's entered-in-error takes it out of the 90-day count).
        return s &&
          s.trust.sampleSize === 5 &&
          s.trust.completionRate !== null &&
          s.trust.referralsLast90Days === 6 &&
          s.capacity?.caseload === 1
          ? s
          : undefined;
      },
      { timeoutMs: 60_000, description: 'final signals' },
    );
    expect(signals.trust).toEqual({
      medianHoursToFirstResponse: 36, // answers after 12 (r3), 24 (r1), 48 (r2), 150 (w1)
      acceptanceRate: 0.6, // r1, r2, w1 accepted; r3 rejected; r4 expired (r5 disregarded)
      completionRate: 0.5, // r1 completed, r2 failed
      referralsLast90Days: 6, // r1 r2 r3 w1 w2 r4 (r5, entered in error, is not counted)
      sampleSize: 5,
    });

    // Every change of the figures went out as service.capacity-changed, keyed by organisation.
    const last = await waitFor(
      () => {
        const events = capacityEvents();
        const e = events[events.length - 1];
        return e && e.data['caseload'] === 1 && e.data['waitlistLength'] === 1 ? e : undefined;
      },
      { timeoutMs: 30_000, description: 'latest service.capacity-changed' },
    );
    expect(last.data).toMatchObject({
      capacityStatus: 'has-capacity',
      maximum: 2,
      available: 1,
      caseload: 1,
    });
    expect(
      capacityEvents().some((e) => e.data['capacityStatus'] === 'waitlist' && e.data['available'] === 0),
    ).toBe(true);
  });
});
