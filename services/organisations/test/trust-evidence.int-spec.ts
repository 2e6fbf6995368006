// Assurance evidence on the real stack: access rules, bad input, verification events through the
// outbox to the real broker, and the expiry sweep (emits organisation.unverified once, not again).
import request from 'supertest';
import { waitFor } from '@sp/testing';
import { collectionOf } from '@sp/persistence';
import { uniqueName } from '@sp/testing';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../src/signals/service-signals.port';
import { AssuranceService } from '../src/trust/assurance.service';
import { seedDirectory, startSignalsHarness, type SignalsHarness } from './trust-capacity-harness';
import { orgId } from './hsds-test-app';

jest.setTimeout(120_000);

const DAY = 86_400_000;

describe('assurance evidence and verification', () => {
  let h: SignalsHarness;
  const run = uniqueName('tr').replace(/-/g, '');
  const vcs = orgId(`org-vcs-${run}`);
  const other = orgId(`org-other-${run}`);
  const gp = orgId(`org-gp-${run}`);

  const opsToken = () =>
    h.bearer({ organisationId: orgId('org-platform'), role: 'ops', clientId: 'platform-ops' });
  const eventsOf = (org: string) =>
    h.directoryEvents().filter((e) => e.data['organisationId'] === org && e.type.includes('organisation.'));

  beforeAll(async () => {
    h = await startSignalsHarness('orgtrust');
    await seedDirectory(
      h.connection,
      [
        { id: vcs, kind: 'vcs' },
        { id: other, kind: 'vcs' },
        { id: gp, kind: 'gp-practice', odsCode: 'A81001' },
      ],
      [],
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lets only the organisation admins and ops read evidence', async () => {
    const url = `/v1/directory/organizations/${vcs}/evidence`;
    await request(h.http).get(url).expect(401);
    await request(h.http)
      .get(url)
      .set('Authorization', await h.bearer({ organisationId: vcs, role: 'referrer' }))
      .expect(403);
    await request(h.http)
      .get(url)
      .set('Authorization', await h.bearer({ organisationId: other, role: 'provider' }))
      .expect(403);
    const own = await request(h.http)
      .get(url)
      .set('Authorization', await h.bearer({ organisationId: vcs, role: 'provider' }))
      .expect(200);
    expect(own.body.verification).toMatchObject({ verified: false });
    expect(own.body.verification.problems).toHaveLength(4);
    await request(h.http)
      .get(url)
      .set('Authorization', await opsToken())
      .expect(200);
    await request(h.http)
      .get(`/v1/directory/organizations/org-missing-${run}/evidence`)
      .set('Authorization', await opsToken())
      .expect(404);
  });

  it('answers bad evidence with 4xx naming every field, and stores nothing', async () => {
    const base = `/v1/directory/organizations/${vcs}/evidence`;
    const badType = await request(h.http)
      .put(`${base}/fire-certificate`)
      .set('Authorization', await opsToken())
      .send({ reference: 'X', expiresAt: new Date(Date.now() + DAY).toISOString() })
      .expect(400);
    expect(badType.headers['content-type']).toMatch(/problem\+json/);
    expect(badType.body.errors).toEqual([expect.objectContaining({ field: 'type', code: 'not_allowed' })]);

    const shape = await request(h.http)
      .put(`${base}/dbs-checks`)
      .set('Authorization', await opsToken())
      .send({ reference: '', expiresAt: 'tomorrow', colour: 'blue' })
      .expect(400);
    expect([...new Set(shape.body.errors.map((p: { field: string }) => p.field))].sort()).toEqual([
      'colour',
      'expiresAt',
      'reference',
    ]);

    const rules = await request(h.http)
      .put(`${base}/dbs-checks`)
      .set('Authorization', await opsToken())
      .send({ reference: 'DBS-1' })
      .expect(422);
    expect(rules.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt', code: 'required' })]);

    const past = await request(h.http)
      .put(`${base}/dbs-checks`)
      .set('Authorization', await opsToken())
      .send({ reference: 'DBS-1', expiresAt: new Date(Date.now() - DAY).toISOString() })
      .expect(422);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt', code: 'in_past' })]);

    await request(h.http)
      .delete(`${base}/dbs-checks`)
      .set('Authorization', await h.bearer({ organisationId: vcs, role: 'provider' }))
      .expect(403);
    await request(h.http)
      .post(`${base}/dbs-checks/verify`)
      .set('Authorization', await h.bearer({ organisationId: vcs, role: 'provider' }))
      .expect(403);
    expect(await collectionOf(h.connection, 'assurance').countDocuments({ _id: vcs } as never)).toBe(0);
  });

  it('holds an admin submission as pending until ops verifies it; ops records and verifies', async () => {
    const base = `/v1/directory/organizations/${vcs}/evidence`;
    const admin = await h.bearer({ organisationId: vcs, role: 'provider', clientId: 'vcs-portal' });
    const submitted = await request(h.http)
      .put(`${base}/safeguarding-policy`)
      .set('Authorization', admin)
      .send({ reference: 'SG-v3', expiresAt: new Date(Date.now() + 300 * DAY).toISOString() })
      .expect(200);
    expect(submitted.body.pending['safeguarding-policy']).toMatchObject({
      reference: 'SG-v3',
      submittedBy: 'vcs-portal',
    });
    expect(submitted.body.evidence['safeguarding-policy']).toBeUndefined();

    const verified = await request(h.http)
      .post(`${base}/safeguarding-policy/verify`)
      .set('Authorization', await opsToken())
      .expect(200);
    expect(verified.body.evidence['safeguarding-policy']).toMatchObject({
      reference: 'SG-v3',
      verifiedBy: 'platform-ops',
      status: 'current',
    });
    expect(verified.body.pending).toEqual({});

    const dbsExpiry = new Date(Date.now() + 30 * DAY).toISOString();
    for (const [type, body] of [
      ['dbs-checks', { reference: 'DBS-REG', expiresAt: dbsExpiry }],
      [
        'public-liability-insurance',
        { reference: 'PLI-1', expiresAt: new Date(Date.now() + 200 * DAY).toISOString() },
      ],
      ['registered-charity-or-company', { reference: '1100001' }],
    ] as const) {
      await request(h.http)
        .put(`${base}/${type}`)
        .set('Authorization', await opsToken())
        .send(body)
        .expect(200);
    }
    const state = await request(h.http).get(base).set('Authorization', admin).expect(200);
    expect(state.body.verification).toEqual({
      verified: true,
      basis: 'evidence',
      verifiedUntil: dbsExpiry,
      problems: [],
    });

    const verifiedEvent = await waitFor(
      () => eventsOf(vcs).find((e) => e.type.endsWith('organisation.verified.v1')),
      { timeoutMs: 30_000, description: 'organisation.verified on the broker' },
    );
    expect(verifiedEvent.data).toMatchObject({ organisationId: vcs, verifiedUntil: dbsExpiry });
    expect(verifiedEvent.key).toBe(vcs);
  });

  it('sweeps expired evidence: organisation.unverified once, nothing on a second sweep', async () => {
    const assurance = h.app.get(AssuranceService);
    const later = new Date(Date.now() + 31 * DAY); // past the DBS expiry
    const first = await assurance.sweep(later);
    expect(first.changed).toBe(1); // the organisation whose DBS check expired
    const second = await assurance.sweep(later);
    expect(second.changed).toBe(0);

    const unverified = await waitFor(
      () => eventsOf(vcs).find((e) => e.type.endsWith('organisation.unverified.v1')),
      { timeoutMs: 30_000, description: 'organisation.unverified on the broker' },
    );
    expect(unverified.data['problems']).toEqual([{ evidenceType: 'dbs-checks', problem: 'expired' }]);

    // Renew: a new verified event follows. Same key, same partition, in order: had the second sweep
    // emitted anything, it would sit between the two.
    await request(h.http)
      .put(`/v1/directory/organizations/${vcs}/evidence/dbs-checks`)
      .set('Authorization', await opsToken())
      .send({ reference: 'DBS-REG-2', expiresAt: new Date(Date.now() + 400 * DAY).toISOString() })
      .expect(200);
    await waitFor(() => eventsOf(vcs).length >= 3, { timeoutMs: 30_000, description: 'renewal event' });
    expect(eventsOf(vcs).map((e) => e.type.split('.').slice(-2, -1)[0])).toEqual([
      'verified',
      'unverified',
      'verified',
    ]);
  });

  it('revokes evidence (ops) and shows verification on reads; NHS organisations are verified by ODS code', async () => {
    await request(h.http)
      .delete(`/v1/directory/organizations/${vcs}/evidence/public-liability-insurance`)
      .set('Authorization', await opsToken())
      .expect(200);
    const reader = h.app.get<ServiceSignalsReader>(SERVICE_SIGNALS);
    const states = await reader.verificationOf([vcs, gp, other]);
    expect(states.get(vcs)).toEqual({
      verified: false,
      problems: [{ evidenceType: 'public-liability-insurance', problem: 'revoked' }],
    });
    expect(states.get(gp)).toEqual({ verified: true, problems: [] });
    expect(states.get(other)?.verified).toBe(false);
    await waitFor(() => eventsOf(vcs).length >= 4, { timeoutMs: 30_000, description: 'revocation event' });
    expect(eventsOf(vcs)[3]?.data['problems']).toEqual([
      { evidenceType: 'public-liability-insurance', problem: 'revoked' },
    ]);
  });
});
