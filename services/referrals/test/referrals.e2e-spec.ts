/**
 * The referrals service on the real stack (Kafka, MongoDB, Redis), booted in-process twice: one
 * copy with the default 14-day deadline, one with a deadline of seconds. Tokens are real ES256
 * JWTs checked against a JWKS served by this test; the directory replica is fed by producing real
 * directory events to Kafka. Each run isolates itself (databases, consumer groups, queue prefix,
 * ids).
 */
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import { DeadlineQueue } from '../src/deadline/deadline.queue';
import { DeadlineWorker } from '../src/deadline/deadline.worker';
import {
  bootReferrals,
  DirectoryFeed,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type Reply,
  type TokenServer,
} from './support';

const { run, id } = testRun('ref');
const ISSUER = 'http://referrals-e2e.test';

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  suspended: id('org-suspended'),
  unverified: id('org-unverified'),
};
const svc = {
  lw: id('svc-lw'),
  a: id('svc-a'),
  b: id('svc-b'),
  c: id('svc-c'),
  suspended: id('svc-suspended'),
  unverified: id('svc-unverified'),
  young: id('svc-young'),
  full: id('svc-full'),
  inactive: id('svc-inactive'),
  withdrawn: id('svc-withdrawn'),
};

const patient = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};
const IDENTIFIERS = [
  patient.nhsNumber,
  '943 476 5919',
  patient.givenName,
  patient.familyName,
  patient.birthDate,
];

function intake(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patient,
    requesterOdsCode: 'A81001',
    targetServiceId: svc.a,
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    consent: {
      given: true,
      recordedBy: 'Dr Jones',
      recordedAt: new Date().toISOString(),
      scope: 'share-with-receiving-service',
    },
    ...overrides,
  };
}

describe('referrals service end to end', () => {
  let tokenServer: TokenServer;
  let main: INestApplication;
  let short: INestApplication;
  let mainUrl = '';
  let shortUrl = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  const createdIds = new Set<string>();
  const mainDb = `test_${run}_referrals`;
  const shortDb = `test_${run}_referrals_short`;

  async function call(
    base: string,
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const reply = await send(`${base}${path}`, { method, token: tokens[who], body, headers });
    if (method === 'POST' && (reply.status === 201 || reply.status === 200)) {
      const view = reply.body as { id?: string; children?: Array<{ id: string }>; child?: { id: string } };
      if (view?.id) createdIds.add(view.id);
      view?.children?.forEach((c) => createdIds.add(c.id));
      if (view?.child) createdIds.add(view.child.id);
    }
    return reply;
  }
  const api = (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(mainUrl, who, method, path, body, headers);

  async function counts(db: string): Promise<{ referrals: number; outbox: number }> {
    const referrals = mongo.db(db).collection('referrals');
    return {
      referrals: await referrals.countDocuments(),
      outbox: (await referrals.find({}, { projection: { outbox: 1, history: 1 } }).toArray()).reduce(
        (n, d) => n + ((d['history'] as unknown[])?.length ?? 0),
        0,
      ),
    };
  }

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals({ ...org, ops: id('org-platform') }));

    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app: main, url: mainUrl } = await bootReferrals(mainDb, tokenServer));
    // Deadline of 4 s, reminder 2 s before it.
    ({ app: short, url: shortUrl } = await bootReferrals(shortDb, tokenServer, {
      RESPONSE_DEADLINE_HOURS: String(4 / 3600),
      REMINDER_BEFORE_DEADLINE_HOURS: String(2 / 3600),
    }));

    // The directory, as the organisations service would publish it.
    const feed = new DirectoryFeed(run);
    for (const o of [org.lw, org.vcsA, org.vcsB, org.vcsC, org.suspended, org.unverified])
      feed.organisation(o, { verified: o !== org.unverified });
    await feed
      .suspend(org.suspended, 'safeguarding-concern')
      .service(svc.lw, org.lw, { taxonomyTermIds: ['sp-need-loneliness', 'sp-need-debt'] })
      .service(svc.a, org.vcsA)
      .service(svc.b, org.vcsB, { taxonomyTermIds: ['sp-need-debt'] })
      .service(svc.c, org.vcsC)
      .service(svc.suspended, org.suspended)
      .service(svc.unverified, org.unverified)
      .service(svc.young, org.vcsA, { minimumAge: 16, maximumAge: 25 })
      .service(svc.full, org.vcsA)
      .service(svc.inactive, org.vcsA, { status: 'inactive' })
      .service(svc.withdrawn, org.vcsA)
      .noCapacity(svc.full, org.vcsA)
      .withdraw(svc.withdrawn, org.vcsA)
      .publish();
    for (const db of [mainDb, shortDb])
      await waitForReplica(mongo, db, {
        withdrawnServices: [svc.withdrawn],
        noCapacityServices: [svc.full],
        suspendedOrganisations: [org.suspended],
      });
  }, 240_000);

  afterAll(async () => {
    await main?.close();
    await short?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('JSON intake: stores the referral addressed to the service owner; a retry with the same key returns it', async () => {
    const body = intake();
    const first = await api('gp', 'POST', '/v1/referrals', body, { 'idempotency-key': `${run}-intake` });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'requested',
      version: 1,
      targetServiceId: svc.a,
      ownerOrganisationId: org.vcsA,
    });
    expect(first.headers.get('etag')).toBe('W/"1"');
    const retry = await api('gp', 'POST', '/v1/referrals', body, { 'idempotency-key': `${run}-intake` });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(
      await mongo
        .db(mainDb)
        .collection('referrals')
        .countDocuments({ idempotencyKey: `${run}-intake` }),
    ).toBe(1);
  });

  it('accept, start with a baseline, complete with outcome and follow-up; stale If-Match is 412', async () => {
    const created = await api('gp', 'POST', '/v1/referrals', intake({ doNotContact: true }));
    const rid = created.body.id as string;
    expect(created.body.doNotContact).toBe(true);
    const accepted = await api('vcsA', 'POST', `/v1/referrals/${rid}/accept`, undefined, {
      'if-match': 'W/"1"',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', version: 2 });
    const stale = await api('vcsA', 'POST', `/v1/referrals/${rid}/start`, {}, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('REFERRAL.VERSION_MISMATCH');
    const baseline = { lifeSatisfaction: 3, worthwhile: 4, happiness: 3, anxiety: 8 };
    const started = await api(
      'vcsA',
      'POST',
      `/v1/referrals/${rid}/start`,
      { wellbeing: { baseline } },
      { 'if-match': '"2"' },
    );
    expect(started.body).toMatchObject({ status: 'in-progress', wellbeing: { baseline } });
    const noOutcome = await api('vcsA', 'POST', `/v1/referrals/${rid}/complete`, {});
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.body.errors).toEqual([
      expect.objectContaining({ field: 'outcome.codes', code: 'required' }),
    ]);
    const badScore = await api('vcsA', 'POST', `/v1/referrals/${rid}/complete`, {
      outcome: { codes: ['sp-outcome-attended'] },
      wellbeing: { followUp: { lifeSatisfaction: 11, worthwhile: 4, happiness: 3, anxiety: 8 } },
    });
    expect(badScore.status).toBe(400);
    expect(badScore.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'wellbeing.followUp.lifeSatisfaction',
    ]);
    const followUp = { lifeSatisfaction: 7, worthwhile: 7, happiness: 6, anxiety: 3 };
    const gpTries = await api('gp', 'POST', `/v1/referrals/${rid}/complete`, {
      outcome: { codes: ['sp-outcome-attended'] },
    });
    expect(gpTries.status).toBe(403);
    expect(gpTries.body.code).toBe('REFERRAL.NOT_PERMITTED');
    const done = await api('vcsA', 'POST', `/v1/referrals/${rid}/complete`, {
      outcome: { codes: ['sp-outcome-attended', 'sp-outcome-goals-met'] },
      wellbeing: { followUp },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      outcome: { codes: ['sp-outcome-attended', 'sp-outcome-goals-met'] },
      wellbeing: { baseline, followUp },
    });
    const again = await api('vcsA', 'POST', `/v1/referrals/${rid}/start`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('REFERRAL.INVALID_TRANSITION');
    const history = await api('gp', 'GET', `/v1/referrals/${rid}/history`);
    expect(history.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'accepted',
      'started',
      'completed',
    ]);
    // The referrer sees the same status (the closed loop).
    const seen = await api('gp', 'GET', `/v1/referrals/${rid}`);
    expect(seen.body.status).toBe('completed');
  });

  it('reject needs a coded reason ("other" with text)', async () => {
    const rid = (await api('gp', 'POST', '/v1/referrals', intake())).body.id as string;
    expect((await api('vcsA', 'POST', `/v1/referrals/${rid}/reject`, {})).body.errors).toEqual([
      expect.objectContaining({ field: 'reason', code: 'required' }),
    ]);
    expect(
      (await api('vcsA', 'POST', `/v1/referrals/${rid}/reject`, { reason: { code: 'other' } })).body.errors,
    ).toEqual([expect.objectContaining({ field: 'reason.text', code: 'required' })]);
    const rejected = await api('vcsA', 'POST', `/v1/referrals/${rid}/reject`, {
      reason: { code: 'other', text: 'Service closing' },
    });
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      statusReason: { code: 'other', text: 'Service closing' },
    });
  });

  it('onward referrals from a link worker, a rejected child re-routed, the parent showing its children; consent withdrawal cascades', async () => {
    const parent = await api('gp', 'POST', '/v1/referrals', intake({ targetServiceId: svc.lw }));
    const pid = parent.body.id as string;
    expect((await api('lw', 'POST', `/v1/referrals/${pid}/accept`)).body.status).toBe('accepted');
    const onward = await api(
      'lw',
      'POST',
      `/v1/referrals/${pid}/onward`,
      { targets: [{ targetServiceId: svc.a }, { targetServiceId: svc.b, needs: ['sp-need-debt'] }] },
      { 'idempotency-key': `${run}-onward` },
    );
    expect(onward.status).toBe(201);
    expect(onward.body.children).toHaveLength(2);
    const [childA, childB] = onward.body.children as Array<{ id: string }>;
    const replay = await api(
      'lw',
      'POST',
      `/v1/referrals/${pid}/onward`,
      { targets: [{ targetServiceId: svc.a }, { targetServiceId: svc.b, needs: ['sp-need-debt'] }] },
      { 'idempotency-key': `${run}-onward` },
    );
    expect(replay.body.children.map((c: { id: string }) => c.id)).toEqual([childA!.id, childB!.id]);
    const childView = await api('vcsA', 'GET', `/v1/referrals/${childA!.id}`);
    expect(childView.body).toMatchObject({
      parentReferralId: pid,
      requesterOrganisationId: org.lw,
      ownerOrganisationId: org.vcsA,
      patient,
    });

    expect(
      (await api('vcsA', 'POST', `/v1/referrals/${childA!.id}/reject`, { reason: { code: 'no-capacity' } }))
        .body.status,
    ).toBe('rejected');
    const reroute = await api('lw', 'POST', `/v1/referrals/${pid}/reroute`, {
      rejectedChildId: childA!.id,
      targetServiceId: svc.c,
    });
    expect(reroute.status).toBe(201);
    expect(reroute.body.child).toMatchObject({
      status: 'requested',
      targetServiceId: svc.c,
      reroutedFromReferralId: childA!.id,
    });
    const twice = await api('lw', 'POST', `/v1/referrals/${pid}/reroute`, {
      rejectedChildId: childA!.id,
      targetServiceId: svc.c,
    });
    expect(twice.status).toBe(409);

    const seen = await api('gp', 'GET', `/v1/referrals/${pid}`);
    expect(seen.body.children.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [childA!.id, 'rejected'],
      [childB!.id, 'requested'],
      [reroute.body.child.id, 'requested'],
    ]);
    expect(seen.body.history.filter((h: { action: string }) => h.action === 'onward-created')).toHaveLength(
      3,
    );

    // Consent withdrawn at the top: everything below stops.
    const withdrawn = await api('gp', 'POST', `/v1/referrals/${pid}/consent-withdrawal`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({
      status: 'cancelled',
      statusReason: { code: 'consent-withdrawn' },
      consent: { withdrawnBy: { organisationId: org.gp } },
    });
    const after = await api('gp', 'GET', `/v1/referrals/${pid}`);
    expect(after.body.children.map((c: { status: string }) => c.status)).toEqual([
      'rejected',
      'cancelled',
      'cancelled',
    ]);
    const childB2 = await api('vcsB', 'GET', `/v1/referrals/${childB!.id}`);
    expect(childB2.status).toBe(200); // parties still read it
    expect(childB2.body.consent.withdrawnAt).toBeDefined();
    for (const [who, path, body] of [
      ['vcsB', `/v1/referrals/${childB!.id}/accept`, undefined],
      ['vcsA', `/v1/referrals/${childA!.id}/enter-in-error`, undefined],
      ['lw', `/v1/referrals/${childB!.id}/enter-in-error`, undefined],
      ['lw', `/v1/referrals/${pid}/onward`, { targets: [{ targetServiceId: svc.c }] }],
    ] as const) {
      const refused = await api(who, 'POST', path, body);
      expect([who, path, refused.status, refused.body.code]).toEqual([
        who,
        path,
        409,
        'REFERRAL.CONSENT_WITHDRAWN',
      ]);
    }
    // Recording the withdrawal again is harmless (it would finish a cascade a crash interrupted).
    const again = await api('gp', 'POST', `/v1/referrals/${pid}/consent-withdrawal`);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(withdrawn.body.version);
  });

  it('open referrals: visible to and claimable by an eligible provider only', async () => {
    const { targetServiceId: _t, ...open } = intake();
    const created = await api('gp', 'POST', '/v1/referrals', open);
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    expect(created.body.ownerOrganisationId).toBeUndefined();
    expect((await api('vcsB', 'GET', `/v1/referrals/${rid}`)).status).toBe(404); // debt only: not eligible
    expect((await api('vcsC', 'GET', `/v1/referrals/${rid}`)).status).toBe(200);
    const listed = await api('vcsC', 'GET', `/v1/referrals?status=requested&size=100`);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(rid);
    expect((await api('vcsC', 'POST', `/v1/referrals/${rid}/accept`)).status).toBe(403);
    const wrongService = await api('vcsC', 'POST', `/v1/referrals/${rid}/claim`, { serviceId: svc.a });
    expect([wrongService.status, wrongService.body.errors[0].code]).toEqual([422, 'not_your_service']);
    const claimed = await api('vcsC', 'POST', `/v1/referrals/${rid}/claim`, { serviceId: svc.c });
    expect(claimed.body).toMatchObject({
      status: 'accepted',
      ownerOrganisationId: org.vcsC,
      targetServiceId: svc.c,
    });
    expect(claimed.body.history.map((h: { action: string }) => h.action)).toEqual(['submitted', 'claimed']);
    expect((await api('vcsA', 'POST', `/v1/referrals/${rid}/claim`, { serviceId: svc.a })).status).toBe(404);
  });

  it('refuses the target service with the reason, from the directory replica', async () => {
    const cases: Array<[string, string]> = [
      [id('svc-nowhere'), 'unknown_service'],
      [svc.inactive, 'service_not_active'],
      [svc.withdrawn, 'service_not_active'],
      [svc.suspended, 'organisation_suspended'],
      [svc.unverified, 'organisation_unverified'],
      [svc.young, 'not_eligible_age'],
      [svc.full, 'no_capacity'],
    ];
    const before = await counts(mainDb);
    for (const [target, code] of cases) {
      const refused = await api('gp', 'POST', '/v1/referrals', intake({ targetServiceId: target }));
      expect([target, refused.status, refused.body.errors]).toEqual([
        target,
        422,
        [expect.objectContaining({ field: 'targetServiceId', code })],
      ]);
    }
    expect(await counts(mainDb)).toEqual(before);
  });

  it('bad inputs are answered 4xx with field errors and nothing is stored', async () => {
    const before = await counts(mainDb);
    const badNhs = await api(
      'gp',
      'POST',
      '/v1/referrals',
      intake({ patient: { ...patient, nhsNumber: '9434765918' } }),
    );
    expect([badNhs.status, badNhs.body.errors]).toEqual([
      400,
      [expect.objectContaining({ field: 'patient.nhsNumber', code: 'invalid_check_digit' })],
    ]);
    const noConsent = await api(
      'gp',
      'POST',
      '/v1/referrals',
      intake({
        consent: {
          given: false,
          recordedBy: 'x',
          recordedAt: new Date().toISOString(),
          scope: 'share-with-receiving-service',
        },
      }),
    );
    expect([noConsent.status, noConsent.body.errors]).toEqual([
      400,
      [expect.objectContaining({ field: 'consent.given', code: 'consent_required' })],
    ]);
    const together = await api(
      'gp',
      'POST',
      '/v1/referrals',
      intake({ targetServiceId: id('svc-nowhere'), needs: ['nope'], requesterOdsCode: 'B99999' }),
    );
    expect(together.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'needs[0]',
      'requesterOdsCode',
      'targetServiceId',
    ]);
    const wrongType = await api('gp', 'POST', '/v1/referrals', JSON.stringify(intake()), {
      'content-type': 'text/plain',
    });
    expect([wrongType.status, wrongType.body.code]).toEqual([415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE']);
    const huge = await api('gp', 'POST', '/v1/referrals', intake({ note: 'x'.repeat(2 * 1024 * 1024) }));
    expect([huge.status, huge.body.code]).toEqual([413, 'REQUEST.TOO_LARGE']);
    const malformed = await api('gp', 'POST', '/v1/referrals', '{"patient": ');
    expect([malformed.status, malformed.body.code]).toEqual([400, 'REQUEST.MALFORMED_JSON']);
    const unknown = await api('gp', 'POST', '/v1/referrals', {
      ...intake(),
      colour: 'red',
      patient: { ...patient, shoeSize: 9 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'colour', code: 'unknown_field' }),
        expect.objectContaining({ field: 'patient.shoeSize', code: 'unknown_field' }),
      ]),
    );
    const rid = (await api('gp', 'POST', '/v1/referrals', intake())).body.id as string;
    const mid = await counts(mainDb);
    const unknownAction = await api('vcsA', 'POST', `/v1/referrals/${rid}/accept`, {
      reason: { code: 'no-capacity' },
      extra: 1,
    });
    expect([unknownAction.status, unknownAction.body.errors]).toEqual([
      400,
      [expect.objectContaining({ field: 'extra', code: 'unknown_field' })],
    ]);
    const badIfMatch = await api('vcsA', 'POST', `/v1/referrals/${rid}/accept`, undefined, {
      'if-match': 'yesterday',
    });
    expect([badIfMatch.status, badIfMatch.body.errors[0].field]).toEqual([400, 'If-Match']);
    const reserved = await api('vcsA', 'POST', `/v1/referrals/${rid}/reject`, {
      reason: { code: 'no-response' },
    });
    expect([reserved.status, reserved.body.errors[0].code]).toEqual([400, 'reserved']);
    expect(await counts(mainDb)).toEqual(mid);
    expect(mid.referrals).toBe(before.referrals + 1);
  });

  it('every endpoint answers another organisation 404, as if the referral did not exist', async () => {
    const rid = (await api('gp', 'POST', '/v1/referrals', intake())).body.id as string;
    const before = await counts(mainDb);
    const attempts: Array<[string, string, string, unknown?]> = [
      ['otherGp', 'GET', `/v1/referrals/${rid}`],
      ['otherGp', 'GET', `/v1/referrals/${rid}/history`],
      ['otherGp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`],
      ['otherGp', 'POST', `/v1/referrals/${rid}/cancel`, { reason: { code: 'duplicate' } }],
      ['otherGp', 'POST', `/v1/referrals/${rid}/enter-in-error`],
      ['vcsB', 'GET', `/v1/referrals/${rid}`],
      ['vcsB', 'POST', `/v1/referrals/${rid}/claim`, { serviceId: svc.b }],
      ['lw', 'POST', `/v1/referrals/${rid}/onward`, { targets: [{ targetServiceId: svc.c }] }],
      ['lw', 'POST', `/v1/referrals/${rid}/reroute`, { rejectedChildId: rid, targetServiceId: svc.c }],
      ...(['accept', 'reject', 'start', 'hold', 'resume', 'complete', 'fail'] as const).map(
        (action) =>
          ['vcsB', 'POST', `/v1/referrals/${rid}/${action}`, { reason: { code: 'no-capacity' } }] as [
            string,
            string,
            string,
            unknown,
          ],
      ),
    ];
    for (const [who, method, path, body] of attempts) {
      const reply = await api(who, method, path, body);
      expect([who, path, reply.status, reply.body.code]).toEqual([who, path, 404, 'REFERRAL.NOT_FOUND']);
    }
    const list = await api('otherGp', 'GET', '/v1/referrals?size=100');
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(rid);
    expect(await counts(mainDb)).toEqual(before);

    // Ops reads the audit trail of it, including the refusals; nobody else may.
    expect((await api('gp', 'GET', `/v1/audit?referralId=${rid}`)).status).toBe(403);
    const audit = await api('ops', 'GET', `/v1/audit?referralId=${rid}&size=500`);
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'referral.create',
      organisationId: org.gp,
      outcome: 'allowed',
    });
    expect(audit.body.items.filter((e: { outcome: string }) => e.outcome === 'denied')).toHaveLength(
      attempts.length,
    );
    const byOrg = await api(
      'ops',
      'GET',
      `/v1/audit?organisationId=${org.otherGp}&from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
    );
    expect(byOrg.body.items.every((e: { organisationId: string }) => e.organisationId === org.otherGp)).toBe(
      true,
    );
    expect(byOrg.body.total).toBeGreaterThanOrEqual(5);
  });

  it('lists with filters and paging', async () => {
    const page = await api(
      'gp',
      'GET',
      `/v1/referrals?requester=${org.gp}&status=requested,accepted&size=2&page=1`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, size: 2 });
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    expect(page.body.totalPages).toBe(Math.ceil(page.body.total / 2));
    expect(
      page.body.items.every((r: { status: string }) => ['requested', 'accepted'].includes(r.status)),
    ).toBe(true);
    const bad = await api('gp', 'GET', '/v1/referrals?status=sleeping&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'status']);
  });

  it('a referral nobody answers gets a reminder, then is rejected with reason no-response', async () => {
    const created = await call(shortUrl, 'gp', 'POST', '/v1/referrals', intake());
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    const expired = await waitFor(
      async () => {
        const r = await call(shortUrl, 'gp', 'GET', `/v1/referrals/${rid}`);
        return r.body.status === 'rejected' ? r.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'referral expired' },
    );
    expect(expired.statusReason).toEqual({ code: 'no-response' });
    expect(
      expired.history.map((h: { action: string; by: { role: string } }) => [h.action, h.by.role]),
    ).toEqual([
      ['submitted', 'referrer'],
      ['reminder-sent', 'system'],
      ['expired', 'system'],
    ]);
    // An answered referral is not expired: accept one right away.
    const answered = (await call(shortUrl, 'gp', 'POST', '/v1/referrals', intake())).body.id as string;
    expect((await call(shortUrl, 'vcsA', 'POST', `/v1/referrals/${answered}/accept`)).body.status).toBe(
      'accepted',
    );
    const third = (await call(shortUrl, 'gp', 'POST', '/v1/referrals', intake())).body.id as string;
    await waitFor(
      async () => (await call(shortUrl, 'gp', 'GET', `/v1/referrals/${third}`)).body.status === 'rejected',
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: 'a later referral expired (so the accepted one had its turn)',
      },
    );
    expect((await call(shortUrl, 'gp', 'GET', `/v1/referrals/${answered}`)).body.status).toBe('accepted');
  });

  it('deadline jobs lost from Redis are restored by the reconciliation at start-up', async () => {
    const rid = (await call(shortUrl, 'gp', 'POST', '/v1/referrals', intake())).body.id as string;
    // Simulate lost jobs (Redis failed after the referral was stored, or lost its data).
    await short.get(DeadlineQueue).cancel(rid);
    expect(await short.get(DeadlineWorker).reconcile()).toBeGreaterThanOrEqual(1);
    const expired = await waitFor(
      async () => {
        const r = await call(shortUrl, 'gp', 'GET', `/v1/referrals/${rid}`);
        return r.body.status === 'rejected' ? r.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the referral expired after reconciliation' },
    );
    expect(expired.statusReason).toEqual({ code: 'no-response' });
  });

  it('no produced event carries a patient identifier (raw bytes of values and headers)', async () => {
    const wanted = new Set(createdIds);
    expect(wanted.size).toBeGreaterThan(10);
    const kafka = new Kafka({
      clientId: `reader-${run}`,
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('referrals-reader') });
    const seen: Buffer[] = [];
    const types = new Set<string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.referralLifecycle.name, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          const value = message.value?.toString() ?? '';
          if (!wanted.has(key) && ![...wanted].some((w) => value.includes(w))) return;
          types.add(String(message.headers?.['ce_type'] ?? ''));
          seen.push(message.value ?? Buffer.alloc(0));
          for (const [name, header] of Object.entries(message.headers ?? {}))
            seen.push(Buffer.from(`${name}=${String(header)}`));
        },
      });
      const expected = [
        'submitted',
        'accepted',
        'rejected',
        'started',
        'completed',
        'cancelled',
        'consent-withdrawn',
        'onward-created',
        'reminder-due',
        'expired',
      ].map((t) => `org.socialprescribing.referral.${t}.v${t === 'submitted' ? 2 : 1}`);
      await waitFor(() => expected.every((t) => types.has(t)), {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: `event types ${expected.join(', ')}`,
      });
    } finally {
      await consumer.disconnect();
    }
    const bytes = Buffer.concat(seen).toString('utf8');
    for (const identifier of IDENTIFIERS) expect(bytes).not.toContain(identifier);
    expect(bytes).not.toContain('Service closing'); // free-text reason stays here
  });
});
