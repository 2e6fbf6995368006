/**
 * Two instances of the referrals service on one database (as production runs several), on the
 * real Kafka, MongoDB replica set and Redis: concurrent moves of one referral (exactly one wins per
 * version, the other is told so in problem+json or an OperationOutcome), and the multi-document
 * transactions of onward referral and consent withdrawal (all or nothing, even when a write inside
 * fails, and retried on a fresh snapshot when another instance changes a member meanwhile).
 */
import type { INestApplication } from '@nestjs/common';
import { MongoClient, type Collection } from 'mongodb';
import { testInfra } from '@sp/testing';
import type { ReferralDocument } from '../src/referrals/referral.entity';
import { ReferralRepository } from '../src/referrals/referral.repository';
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

const { run, id } = testRun('ref2');
const ISSUER = 'http://referrals-two-instances.test';
const db = `test_${run}_referrals`;
const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { lw: id('svc-lw'), a: id('svc-a'), b: id('svc-b') };

/** Lets a call through up to a point, then holds it until `release()` (to order a race). */
interface Hold {
  /** Resolves when the held call has reached the point. */
  reached: Promise<void>;
  release(): void;
}

function newHold(): Hold & { arrive(): void; gate: Promise<void> } {
  let arrive!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { reached, release, arrive, gate };
}

describe('referrals service, two instances on one database', () => {
  let tokenServer: TokenServer;
  let first: INestApplication;
  let second: INestApplication;
  const url = { first: '', second: '' };
  let mongo: MongoClient;
  let referrals: Collection<ReferralDocument>;
  let tokens: Record<string, string>;

  const api = (
    instance: keyof typeof url,
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => send(`${url[instance]}${path}`, { method, token: tokens[who], body, headers });

  async function refer(targetServiceId = svc.a): Promise<string> {
    const created = await api('first', 'gp', 'POST', '/v1/referrals', {
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      requesterOdsCode: 'A81001',
      targetServiceId,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /** A link worker's accepted referral with two onward referrals (to svc.a and svc.b). */
  async function tree(): Promise<{ pid: string; children: string[] }> {
    const pid = await refer(svc.lw);
    expect((await api('second', 'lw', 'POST', `/v1/referrals/${pid}/accept`)).status).toBe(200);
    const onward = await api('second', 'lw', 'POST', `/v1/referrals/${pid}/onward`, {
      targets: [{ targetServiceId: svc.a }, { targetServiceId: svc.b }],
    });
    expect(onward.status).toBe(201);
    return { pid, children: onward.body.children.map((c: { id: string }) => c.id) };
  }

  /** Holds the next referral write of `app` after it has read and decided (its update is next). */
  function holdNextUpdate(app: INestApplication): Hold {
    const collection = app.get(ReferralRepository).referrals;
    const updateOne = collection.updateOne.bind(collection);
    const hold = newHold();
    const spy = jest.spyOn(collection, 'updateOne').mockImplementationOnce((async (
      ...args: Parameters<typeof updateOne>
    ) => {
      hold.arrive();
      await hold.gate;
      spy.mockRestore();
      return updateOne(...args);
    }) as typeof updateOne);
    return hold;
  }

  const historyOf = async (rid: string) =>
    ((await referrals.findOne({ _id: rid }))?.history ?? []).map((h) => h.action);

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    referrals = mongo.db(db).collection<ReferralDocument>('referrals');
    ({ app: first, url: url.first } = await bootReferrals(db, tokenServer));
    ({ app: second, url: url.second } = await bootReferrals(db, tokenServer));
    const feed = new DirectoryFeed(run);
    for (const o of [org.lw, org.vcsA, org.vcsB]) feed.organisation(o);
    await feed.service(svc.lw, org.lw).service(svc.a, org.vcsA).service(svc.b, org.vcsB).publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.lw, org.vcsA, org.vcsB],
    });
  }, 240_000);

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('a move that loses the race for its version is refused with 409 REFERRAL.CONCURRENT_UPDATE; only the winner is in the history', async () => {
    const rid = await refer();
    const hold = holdNextUpdate(first);
    const loser = api('first', 'vcsA', 'POST', `/v1/referrals/${rid}/accept`);
    await hold.reached; // the first instance decided on version 1 and is about to write
    const winner = await api('second', 'vcsA', 'POST', `/v1/referrals/${rid}/reject`, {
      reason: { code: 'no-capacity' },
    });
    hold.release();
    const lost = await loser;
    expect([winner.status, winner.body.status, winner.body.version]).toEqual([200, 'rejected', 2]);
    expect([lost.status, lost.body.code, lost.body.status]).toEqual([409, 'REFERRAL.CONCURRENT_UPDATE', 409]);
    expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await historyOf(rid)).toEqual(['submitted', 'rejected']);
  });

  it('with If-Match the loser gets 412 REFERRAL.VERSION_MISMATCH (JSON), and an OperationOutcome on FHIR', async () => {
    const rid = await refer();
    let hold = holdNextUpdate(first);
    const json = api('first', 'vcsA', 'POST', `/v1/referrals/${rid}/accept`, undefined, {
      'if-match': 'W/"1"',
    });
    await hold.reached;
    const won = await api('second', 'vcsA', 'POST', `/v1/referrals/${rid}/accept`, undefined, {
      'if-match': 'W/"1"',
    });
    hold.release();
    const lost = await json;
    expect(won.status).toBe(200);
    expect([lost.status, lost.body.code]).toEqual([412, 'REFERRAL.VERSION_MISMATCH']);

    hold = holdNextUpdate(first);
    const fhir = send(`${url.first}/fhir/Task/${rid}`, {
      method: 'PATCH',
      token: tokens['vcsA'],
      body: [{ op: 'replace', path: '/status', value: 'in-progress' }],
      contentType: 'application/json-patch+json',
      headers: { 'if-match': 'W/"2"', accept: 'application/fhir+json' },
    });
    await hold.reached;
    expect((await api('second', 'vcsA', 'POST', `/v1/referrals/${rid}/start`)).status).toBe(200);
    hold.release();
    const outcome = await fhir;
    expect(outcome.status).toBe(412);
    expect(outcome.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(outcome.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'conflict', details: { coding: [{ code: 'REFERRAL.VERSION_MISMATCH' }] } },
      ],
    });
    expect(await historyOf(rid)).toEqual(['submitted', 'accepted', 'started']);
  });

  it('concurrent answers through both instances: exactly one wins each referral, the other is told 409 or 412', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => refer()));
    await Promise.all(
      ids.map(async (rid, i) => {
        const ifMatch: Record<string, string> = i % 2 === 0 ? { 'if-match': 'W/"1"' } : {};
        const replies = await Promise.all([
          api('first', 'vcsA', 'POST', `/v1/referrals/${rid}/accept`, undefined, ifMatch),
          api(
            'second',
            'vcsA',
            'POST',
            `/v1/referrals/${rid}/reject`,
            { reason: { code: 'no-capacity' } },
            ifMatch,
          ),
        ]);
        const won = replies.filter((r) => r.status === 200);
        const lost = replies.filter((r) => r.status !== 200);
        expect([rid, won.length, lost.length]).toEqual([rid, 1, 1]);
        // Without If-Match the loser read either the version the winner replaced (a lost race) or
        // the winner's result (the move no longer exists from there).
        const expected =
          i % 2 === 0
            ? [[412, 'REFERRAL.VERSION_MISMATCH']]
            : [
                [409, 'REFERRAL.CONCURRENT_UPDATE'],
                [409, 'REFERRAL.INVALID_TRANSITION'],
              ];
        expect(expected).toContainEqual([lost[0]!.status, lost[0]!.body.code]);
        const history = await historyOf(rid);
        expect(history).toHaveLength(2);
        expect(history[1]).toBe(won[0]!.body.status);
      }),
    );
  });

  it('onward referral: a failure inside the transaction leaves neither children nor a link; the retry and its replay work', async () => {
    const pid = await refer(svc.lw);
    expect((await api('first', 'lw', 'POST', `/v1/referrals/${pid}/accept`)).status).toBe(200);
    const key = `${run}-onward`;
    const body = { targets: [{ targetServiceId: svc.a }, { targetServiceId: svc.b }] };
    // A referral already holds the second child's key: the second insert breaks the unique index.
    await referrals.insertOne({
      _id: `squatter-${run}`,
      requesterOrganisationId: org.lw,
      idempotencyKey: `onward:${key}:1`,
    } as ReferralDocument);
    const before = await referrals.findOne({ _id: pid });
    const failed = await api('first', 'lw', 'POST', `/v1/referrals/${pid}/onward`, body, {
      'idempotency-key': key,
    });
    expect(failed.status).toBe(500);
    expect(await referrals.countDocuments({ parentReferralId: pid })).toBe(0);
    expect(await referrals.countDocuments({ idempotencyKey: `onward:${key}:0` })).toBe(0);
    const after = await referrals.findOne({ _id: pid });
    expect([after?.version, after?.childReferralIds, after?.history]).toEqual([
      before?.version,
      [],
      before?.history,
    ]);

    await referrals.deleteOne({ _id: `squatter-${run}` });
    const created = await api('second', 'lw', 'POST', `/v1/referrals/${pid}/onward`, body, {
      'idempotency-key': key,
    });
    expect(created.status).toBe(201);
    const childIds = created.body.children.map((c: { id: string }) => c.id);
    expect(childIds).toHaveLength(2);
    expect((await referrals.findOne({ _id: pid }))?.childReferralIds).toEqual(childIds);
    const replay = await api('first', 'lw', 'POST', `/v1/referrals/${pid}/onward`, body, {
      'idempotency-key': key,
    });
    expect(replay.body.children.map((c: { id: string }) => c.id)).toEqual(childIds);
    expect(await referrals.countDocuments({ parentReferralId: pid })).toBe(2);
    expect((await historyOf(pid)).filter((a) => a === 'onward-created')).toHaveLength(2);
  });

  it('onward referral: the same Idempotency-Key through both instances at once makes one set of children', async () => {
    const pid = await refer(svc.lw);
    expect((await api('first', 'lw', 'POST', `/v1/referrals/${pid}/accept`)).status).toBe(200);
    const key = `${run}-onward-twice`;
    const body = { targets: [{ targetServiceId: svc.a }, { targetServiceId: svc.b }] };
    const replies = await Promise.all(
      (['first', 'second'] as const).map((instance) =>
        api(instance, 'lw', 'POST', `/v1/referrals/${pid}/onward`, body, { 'idempotency-key': key }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    const [a, b] = replies.map((r) => r.body.children.map((c: { id: string }) => c.id));
    expect(a).toEqual(b);
    expect(await referrals.countDocuments({ parentReferralId: pid })).toBe(2);
    expect((await referrals.findOne({ _id: pid }))?.childReferralIds).toEqual(a);
  });

  it('consent withdrawal: a failure part-way through the tree changes none of it; recorded again, all of it', async () => {
    const { pid, children } = await tree();
    const members = [pid, ...children];
    const snapshot = async () =>
      (await referrals.find({ _id: { $in: members } }).toArray()).map((r) => [
        r._id,
        r.version,
        r.status,
        r.consent.withdrawnAt ?? null,
      ]);
    const before = await snapshot();
    const repository = first.get(ReferralRepository);
    const change = repository.change.bind(repository);
    let calls = 0;
    const spy = jest.spyOn(repository, 'change').mockImplementation(async (...args) => {
      calls += 1;
      if (calls === 2) throw new Error('injected: the second write of the tree fails');
      return change(...args);
    });
    try {
      const failed = await api('first', 'gp', 'POST', `/v1/referrals/${pid}/consent-withdrawal`);
      expect(failed.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2); // the root was written (in the transaction) before the fault
    expect(await snapshot()).toEqual(before);

    const withdrawn = await api('second', 'gp', 'POST', `/v1/referrals/${pid}/consent-withdrawal`);
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'cancelled']);
    for (const r of await referrals.find({ _id: { $in: members } }).toArray()) {
      expect([r._id, r.status, r.consent.withdrawnAt instanceof Date]).toEqual([r._id, 'cancelled', true]);
    }
  });

  it('consent withdrawal: a child changed by the other instance meanwhile is withdrawn as it now is (the transaction retries)', async () => {
    const { pid, children } = await tree();
    const [, child] = children as [string, string];
    const repository = first.get(ReferralRepository);
    const change = repository.change.bind(repository);
    const hold = newHold();
    let calls = 0;
    const spy = jest.spyOn(repository, 'change').mockImplementation(async (...args) => {
      calls += 1;
      if (calls === 3) {
        hold.arrive(); // root and first child written in the transaction; the second child is next
        await hold.gate;
      }
      return change(...args);
    });
    try {
      const withdrawal = api('first', 'gp', 'POST', `/v1/referrals/${pid}/consent-withdrawal`);
      await hold.reached;
      const accepted = await api('second', 'vcsB', 'POST', `/v1/referrals/${child}/accept`);
      expect(accepted.status).toBe(200);
      hold.release();
      expect((await withdrawal).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBeGreaterThan(3); // the tree was written again from a fresh snapshot
    expect(await historyOf(child)).toEqual(['submitted', 'accepted', 'consent-withdrawn', 'cancelled']);
    const stored = await referrals.find({ _id: { $in: [pid, ...children] } }).toArray();
    expect(
      stored.map((r) => [r._id, r.status, r.history.filter((h) => h.action === 'consent-withdrawn').length]),
    ).toEqual(expect.arrayContaining([pid, ...children].map((rid) => [rid, 'cancelled', 1])));
  });
});
