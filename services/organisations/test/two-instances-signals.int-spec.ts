// Two instances of the organisations service on ONE database (as in production): referral events
// of one service applied by both at once leave its caseload and trust exactly what applying them
// one by one gives, a capacity declaration made meanwhile is kept, and evidence recorded through
// both at once is all kept, with one organisation.verified per organisation.
import request from 'supertest';
import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCompletedV1,
  ReferralFailedV1,
  ReferralRejectedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  type EventEnvelope,
  type TaskStatus,
} from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { collectionOf } from '@sp/persistence';
import { uniqueName, waitFor } from '@sp/testing';
import { capacityFingerprint, capacitySignals, deriveLoad } from '../src/capacity/domain/capacity.rules';
import {
  applyStatusChange,
  recordFromSubmission,
  type ReferralRecord,
  type StatusChange,
} from '../src/signals/domain/referral-record';
import { ReferralEventsConsumer } from '../src/signals/referral-events.consumer';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../src/signals/service-signals.port';
import { trustAggregate } from '../src/trust/domain/trust-signals';
import {
  dropDatabase,
  seedDirectory,
  startSignalsHarness,
  type SignalsHarness,
} from './trust-capacity-harness';
import { orgId, svcId } from './hsds-test-app';

jest.setTimeout(180_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const meta = { source: '/test/referrals', correlationId: 'two-instances' };
const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';
/** Lanes per instance: a consumer applies up to 3 partitions at once. */
const LANES = 3;
/** Referrals applied one at a time while the other instance reads (see the read-consistency test). */
const READ_REFERRALS = 40;

type Step = { env: EventEnvelope; change?: StatusChange };

describe('two instances on one database', () => {
  let a: SignalsHarness;
  let b: SignalsHarness;
  const run = uniqueName('two').replace(/-/g, '');
  const org = orgId(`org-vcs-${run}`);
  const svc = svcId(`svc-${run}`);
  const readSvc = svcId(`svc-read-${run}`);
  const evidenceOrgs = [1, 2, 3, 4].map((n) => orgId(`org-ev${n}-${run}`));

  beforeAll(async () => {
    // The handlers are called here as each instance's consumer would (see deliver).
    a = await startSignalsHarness('orgtwo', { consume: false });
    b = await startSignalsHarness('orgtwo', { shared: a.shared, consume: false });
    await seedDirectory(
      a.connection,
      [{ id: org, kind: 'vcs' }, ...evidenceOrgs.map((id) => ({ id, kind: 'vcs' as const }))],
      [
        { id: svc, organisationId: org, terms: ['sp-need-loneliness'] },
        { id: readSvc, organisationId: org, terms: ['sp-need-loneliness'] },
      ],
    );
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (a) await dropDatabase(a.shared.database);
  });

  /** The events of referral i, in its own order: its fate depends on i (see the expectations). */
  function lifecycle(i: number, t0: number): Step[] {
    const referralId = `ref-${run}-${i}`;
    const at = (hours: number) => new Date(t0 + i * 60_000 + hours * HOUR).toISOString();
    const steps: Step[] = [
      {
        env: createEnvelope(
          ReferralSubmittedV1,
          {
            referralId,
            requesterOrganisationId: orgId('org-gp'),
            requesterOdsCode: 'A81001',
            targetServiceId: svc,
            ownerOrganisationId: org,
            needs: ['sp-need-loneliness'],
            priority: 'routine',
            status: 'requested',
            patientKey: PATIENT,
            occurredAt: at(0),
          },
          meta,
        ),
      },
    ];
    const path: TaskStatus[] =
      i < 9
        ? ['accepted', 'in-progress', 'completed']
        : i < 14
          ? ['accepted', 'in-progress', 'failed']
          : i < 27
            ? ['accepted']
            : ['rejected'];
    let from: TaskStatus = 'requested';
    path.forEach((to, k) => {
      const base = {
        referralId,
        version: k + 2,
        requesterOrganisationId: orgId('org-gp'),
        targetServiceId: svc,
        ownerOrganisationId: org,
        fromStatus: from,
        actor: { organisationId: org, role: 'provider' as const },
        patientKey: PATIENT,
        submittedAt: at(0),
        occurredAt: at(1 + k * 24 + (i % 5)),
      };
      const env =
        to === 'accepted'
          ? createEnvelope(ReferralAcceptedV1, { ...base, toStatus: 'accepted', claimed: false }, meta)
          : to === 'rejected'
            ? createEnvelope(
                ReferralRejectedV1,
                { ...base, toStatus: 'rejected', reasonCode: 'not-eligible' },
                meta,
              )
            : to === 'in-progress'
              ? createEnvelope(ReferralStartedV1, { ...base, toStatus: 'in-progress' }, meta)
              : to === 'completed'
                ? createEnvelope(
                    ReferralCompletedV1,
                    { ...base, toStatus: 'completed', outcomeCodes: [] },
                    meta,
                  )
                : createEnvelope(
                    ReferralFailedV1,
                    { ...base, toStatus: 'failed', reasonCode: 'unable-to-contact' },
                    meta,
                  );
      steps.push({
        env,
        change: {
          referralId,
          version: base.version,
          targetServiceId: svc,
          ownerOrganisationId: org,
          requesterOrganisationId: orgId('org-gp'),
          fromStatus: from,
          toStatus: to,
          submittedAt: base.submittedAt,
          occurredAt: base.occurredAt,
        },
      });
      from = to;
    });
    return steps;
  }

  /** What the consumer of an instance does with one event (the handler Kafka would call). */
  async function deliver(h: SignalsHarness, env: EventEnvelope): Promise<void> {
    const consumer = h.app.get(ReferralEventsConsumer);
    const ctx = { envelope: env } as unknown as EventContext;
    const data = env.data as never;
    if (env.type === ReferralSubmittedV1.type) return consumer.onSubmitted(data, ctx);
    if (env.type === ReferralAcceptedV1.type) return consumer.onAccepted(data, ctx);
    if (env.type === ReferralRejectedV1.type) return consumer.onRejected(data, ctx);
    if (env.type === ReferralStartedV1.type) return consumer.onStarted(data, ctx);
    if (env.type === ReferralCompletedV1.type) return consumer.onCompleted(data, ctx);
    return consumer.onFailed(data, ctx);
  }

  it('applies concurrent referral events of one service from both instances exactly, keeping a declaration made meanwhile', async () => {
    const provider = await a.bearer({ organisationId: org, role: 'provider' });
    const url = `/v1/directory/services/${svc}/capacity`;
    await request(a.http)
      .put(url)
      .set('Authorization', provider)
      .send({ status: 'has-capacity', unit: 'places', maximum: 100, typicalWaitDays: 10 })
      .expect(200);

    const now = Date.now();
    const t0 = now - 5 * DAY;
    const referrals = Array.from({ length: 36 }, (_, i) => lifecycle(i, t0));
    // Referral i goes to instance i % 2, lane floor(i / 2) % LANES: one lane applies its
    // referrals' events in each referral's order (a partition), lanes and instances run at once.
    const lanes = [a, b].flatMap((h, k) =>
      Array.from({ length: LANES }, (_, lane) => ({
        h,
        steps: referrals.filter((_, i) => i % 2 === k && Math.floor(i / 2) % LANES === lane),
      })),
    );
    const applying = lanes.map(async ({ h, steps }) => {
      const depth = Math.max(...steps.map((s) => s.length));
      for (let step = 0; step < depth; step += 1) {
        for (const referral of steps) {
          const next = referral[step];
          if (next) await deliver(h, next.env);
        }
      }
    });
    // Meanwhile the organisation declares again through the other instance.
    const redeclared = request(b.http)
      .put(url)
      .set('Authorization', provider)
      .send({ status: 'has-capacity', unit: 'places', maximum: 100, typicalWaitDays: 7 })
      .expect(200);
    await Promise.all([...applying, redeclared]);

    // The oracle: the same events applied one by one with the same rules.
    const expectedRecords: ReferralRecord[] = referrals.map((steps) => {
      const submitted = steps[0]!.env.data as {
        referralId: string;
        occurredAt: string;
        requesterOrganisationId: string;
      };
      let record = recordFromSubmission(
        { ...submitted, targetServiceId: svc, ownerOrganisationId: org },
        false,
      );
      for (const s of steps.slice(1)) record = applyStatusChange(record, s.change!);
      return record;
    });
    const at = new Date();
    const load = deriveLoad(expectedRecords, at);
    expect(load).toMatchObject({ caseload: 13, freedLast90Days: 14, waitlist: [] });

    const capacityDoc = await collectionOf(a.connection, 'service_capacity').findOne({ _id: svc } as never);
    expect(capacityDoc).toMatchObject({
      caseload: load.caseload,
      freedLast90Days: load.freedLast90Days,
      waitlist: [],
      declared: { maximum: 100, typicalWaitDays: 7 },
    });
    const trustDoc = await collectionOf(a.connection, 'service_trust').findOne({ _id: svc } as never);
    expect(trustDoc?.['trust']).toEqual(trustAggregate(expectedRecords));
    // The last capacity announced is the final one.
    const finalSignals = capacitySignals(
      capacityDoc?.['declared'] as never,
      { ...load, waitlistLength: 0 },
      new Date(capacityDoc?.['updatedAt'] as Date).toISOString(),
    );
    expect(capacityDoc?.['announced']).toBe(capacityFingerprint(finalSignals!));
    const stored = await collectionOf(a.connection, 'referral_signals')
      .find({ serviceId: svc } as never, { projection: { status: 1, version: 1 } })
      .toArray();
    expect(stored).toHaveLength(36);

    // Both instances answer the same figures.
    for (const h of [a, b]) {
      const shown = await request(h.http)
        .get(url)
        .set('Authorization', await h.bearer({ organisationId: orgId('org-gp'), role: 'referrer' }))
        .expect(200);
      expect(shown.body).toMatchObject({
        caseload: 13,
        waitlistLength: 0,
        service_capacity: { available: 87, maximum: 100 },
        declared: { typicalWaitDays: 7 },
      });
    }
  });

  it('shows trust and capacity from one commit: a read on one instance never mixes new trust with an old caseload', async () => {
    // Referral j is submitted, accepted, then completed (j odd) or failed (j even), one at a time,
    // through instance a. Every committed state then satisfies: accepted = sampleSize (A),
    // finished = A - caseload (F), completion rate = completed(F) / F with completed(F) = ceil(F/2).
    // Instance b reads the service's signals meanwhile (as its HSDS and matching reads do); a pair of figures from two commits breaks that.
    const t0 = Date.now() - DAY;
    const at = (j: number, step: number) => new Date(t0 + j * 60_000 + step * 1_000).toISOString();
    const observed: Array<{ sampleSize: number; completionRate: number | null; caseload: number }> = [];
    let applying = true;
    const read = async () => {
      const shown = (await b.app.get<ServiceSignalsReader>(SERVICE_SIGNALS).forServices([readSvc])).get(
        readSvc,
      );
      if (shown?.capacity)
        observed.push({
          sampleSize: shown.trust.sampleSize,
          completionRate: shown.trust.completionRate,
          caseload: shown.capacity.caseload,
        });
    };
    const reading = (async () => {
      while (applying) await read();
    })();
    const base = (j: number) => ({
      referralId: `ref-read-${run}-${j}`,
      requesterOrganisationId: orgId('org-gp'),
      targetServiceId: readSvc,
      ownerOrganisationId: org,
      actor: { organisationId: org, role: 'provider' as const },
      patientKey: PATIENT,
      submittedAt: at(j, 0),
    });
    try {
      await request(a.http)
        .put(`/v1/directory/services/${readSvc}/capacity`)
        .set('Authorization', await a.bearer({ organisationId: org, role: 'provider' }))
        .send({ status: 'has-capacity', unit: 'places', maximum: 50 })
        .expect(200);
      for (let j = 1; j <= READ_REFERRALS; j += 1) {
        const { actor: _actor, submittedAt: _s, ...submitted } = base(j);
        await deliver(
          a,
          createEnvelope(
            ReferralSubmittedV1,
            {
              ...submitted,
              requesterOdsCode: 'A81001',
              needs: ['sp-need-loneliness'],
              priority: 'routine',
              status: 'requested',
              occurredAt: at(j, 0),
            },
            meta,
          ),
        );
        await deliver(
          a,
          createEnvelope(
            ReferralAcceptedV1,
            {
              ...base(j),
              version: 2,
              fromStatus: 'requested',
              toStatus: 'accepted',
              claimed: false,
              occurredAt: at(j, 1),
            },
            meta,
          ),
        );
        const finished = { ...base(j), version: 3, fromStatus: 'accepted' as const, occurredAt: at(j, 2) };
        await deliver(
          a,
          j % 2 === 1
            ? createEnvelope(
                ReferralCompletedV1,
                { ...finished, toStatus: 'completed', outcomeCodes: [] },
                meta,
              )
            : createEnvelope(
                ReferralFailedV1,
                { ...finished, toStatus: 'failed', reasonCode: 'unable-to-contact' },
                meta,
              ),
        );
      }
    } finally {
      applying = false;
      await reading;
    }
    await read();

    expect(observed.length).toBeGreaterThan(10);
    const mixed = observed.filter(({ sampleSize, completionRate, caseload }) => {
      const finished = sampleSize - caseload;
      const expected = finished === 0 ? null : Math.round((Math.ceil(finished / 2) / finished) * 1000) / 1000;
      return caseload < 0 || caseload > 1 || completionRate !== expected;
    });
    expect(mixed).toEqual([]);
    expect(observed.at(-1)).toEqual({ sampleSize: READ_REFERRALS, completionRate: 0.5, caseload: 0 });
  });

  it('keeps every piece of evidence recorded through both instances at once, and announces verified once', async () => {
    const expiry = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    const evidence = [
      ['safeguarding-policy', { reference: 'SG-1', expiresAt: expiry(300) }],
      ['dbs-checks', { reference: 'DBS-1', expiresAt: expiry(200) }],
      ['public-liability-insurance', { reference: 'PLI-1', expiresAt: expiry(250) }],
      ['registered-charity-or-company', { reference: '1100001' }],
    ] as const;
    const ops = await a.bearer({
      organisationId: orgId('org-platform'),
      role: 'ops',
      clientId: 'platform-ops',
    });
    await Promise.all(
      evidenceOrgs.flatMap((id) =>
        evidence.map(([type, body], k) =>
          request((k % 2 === 0 ? a : b).http)
            .put(`/v1/directory/organizations/${id}/evidence/${type}`)
            .set('Authorization', ops)
            .send(body)
            .expect(200),
        ),
      ),
    );

    const docs = await collectionOf(a.connection, 'assurance')
      .find({ _id: { $in: evidenceOrgs } } as never)
      .toArray();
    expect(docs).toHaveLength(evidenceOrgs.length);
    for (const doc of docs) {
      expect(Object.keys(doc['evidence'] as object).sort()).toEqual(evidence.map(([type]) => type).sort());
      expect(doc['verification']).toMatchObject({ verified: true, verifiedUntil: evidence[1][1].expiresAt });
      expect(doc['announced']).toBe(`verified:${evidence[1][1].expiresAt}`);
      expect(doc['revision']).toBe(evidence.length); // one write per piece of evidence, none lost
    }

    const verifiedIds = (id: string) =>
      new Set(
        a
          .directoryEvents()
          .filter((e) => e.data['organisationId'] === id && e.type.endsWith('organisation.verified.v1'))
          .map((e) => e.id),
      );
    await waitFor(
      async () => {
        const pending = await collectionOf(a.connection, 'assurance').countDocuments({
          _id: { $in: evidenceOrgs },
          outboxPending: true,
        } as never);
        return pending === 0 && evidenceOrgs.every((id) => verifiedIds(id).size > 0);
      },
      { timeoutMs: 60_000, description: 'organisation.verified of every organisation on the broker' },
    );
    for (const id of evidenceOrgs) expect(verifiedIds(id).size).toBe(1);
  });
});
