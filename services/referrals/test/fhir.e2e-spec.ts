/**
 * The FHIR R4 API of the referrals service on the real stack (Kafka, MongoDB, Redis), booted
 * in-process: real ES256 tokens checked against a JWKS served by this test, the directory replica
 * fed by real directory events on Kafka. Each run isolates itself (database, consumer group, queue
 * prefix, ids).
 */
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { testInfra } from '@sp/testing';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM, REASON_SYSTEM } from '../src/fhir/fhir.constants';
import { gravityBundle } from './fhir-fixtures';
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

const { run, id } = testRun('fhir');
const ISSUER = 'http://referrals-fhir-e2e.test';
const db = `test_${run}_referrals_fhir`;

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { lw: id('svc-lw'), a: id('svc-a'), b: id('svc-b'), c: id('svc-c') };

describe('FHIR R4 API end to end', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;

  async function fhir(
    who: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return send(path.startsWith('http') ? path : `${base}${path}`, {
      method,
      ...(who ? { token: tokens[who] } : {}),
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });
  }
  const patch = (who: string, path: string, ops: unknown[], ifMatch?: string) =>
    fhir(who, 'PATCH', path, ops, {
      'content-type': 'application/json-patch+json',
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
    });
  const referrals = () => mongo.db(db).collection('referrals');
  const idFromLocation = (location: string) => location.split('/')[1] as string;
  const bundleFor = (serviceId: string | null, identifier = id('gp-ref'), nhsNumber?: string) => {
    const b = gravityBundle({ serviceId, identifier, ...(nhsNumber ? { nhsNumber } : {}) });
    b.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    b.entry[1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    return b;
  };
  async function refer(serviceId: string | null = svc.a, nhsNumber?: string): Promise<string> {
    const res = await fhir(
      'gp',
      'POST',
      '/fhir',
      bundleFor(serviceId, id(`r-${Math.random().toString(36).slice(2)}`), nhsNumber),
    );
    expect(res.status).toBe(200);
    return idFromLocation(res.body.entry[1].response.location);
  }

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app, url: base } = await bootReferrals(db, tokenServer));

    await new DirectoryFeed(run)
      .organisation(org.lw)
      .organisation(org.vcsA)
      .organisation(org.vcsB)
      .organisation(org.vcsC)
      .service(svc.lw, org.lw, { taxonomyTermIds: ['sp-need-loneliness', 'sp-need-debt'] })
      .service(svc.a, org.vcsA, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.b, org.vcsB, { taxonomyTermIds: ['sp-need-debt'] })
      .service(svc.c, org.vcsC, { taxonomyTermIds: ['sp-need-loneliness'] })
      .publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.lw, org.vcsA, org.vcsB, org.vcsC],
    });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('GET /fhir/metadata tells what is supported', async () => {
    const res = await fhir(undefined, 'GET', '/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      rest: [{ interaction: [{ code: 'transaction' }] }],
    });
  });

  it('a Gravity-shaped transaction creates one referral; a conditional retry (new urn:uuids) creates nothing', async () => {
    const identifier = id('gravity');
    const bundle = bundleFor(svc.a, identifier);
    bundle.entry[1].request.ifNoneExist = `identifier=https://gp.example/referrals|${identifier}`;
    const first = await fhir('gp', 'POST', '/fhir', bundle);
    expect(first.status).toBe(200);
    expect(first.body.type).toBe('transaction-response');
    expect(first.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '201 Created',
      '201 Created',
      '201 Created',
      '201 Created',
    ]);
    const location = first.body.entry[1].response.location as string;
    expect(location).toMatch(/^ServiceRequest\/[^/]+\/_history\/1$/);
    expect(first.body.entry[2].response).toMatchObject({
      location: location.replace('ServiceRequest', 'Task'),
      etag: 'W/"1"',
    });
    const rid = idFromLocation(location);

    const retried = JSON.parse(
      JSON.stringify(bundle).replace(/6f1b2a4e-0000-4000-8000/g, 'aaaaaaaa-bbbb-4ccc-8ddd'),
    ) as typeof bundle;
    const retry = await fhir('gp', 'POST', '/fhir', retried);
    expect(retry.status).toBe(200);
    expect(retry.body.entry[1].response).toMatchObject({ status: '200 OK', location });
    expect(
      await referrals().countDocuments({
        idempotencyKey: `fhir:identifier=https://gp.example/referrals|${identifier}`,
      }),
    ).toBe(1);

    const sr = await fhir('gp', 'GET', `/fhir/ServiceRequest/${rid}`);
    expect(sr.status).toBe(200);
    expect(sr.headers.get('etag')).toBe('W/"1"');
    expect(sr.body).toMatchObject({
      resourceType: 'ServiceRequest',
      id: rid,
      status: 'active',
      performer: [{ reference: `HealthcareService/${svc.a}` }],
      identifier: [{ system: 'https://gp.example/referrals', value: identifier }],
      contained: [
        { resourceType: 'Patient', identifier: [{ value: '9434765919' }] },
        { resourceType: 'Consent', status: 'active' },
      ],
      orderDetail: [{ coding: [{ code: 'do-not-contact' }] }],
    });
    const task = await fhir('vcsA', 'GET', `/fhir/Task/${rid}`);
    expect(task.body).toMatchObject({
      status: 'requested',
      focus: { reference: `ServiceRequest/${rid}` },
      owner: { identifier: { value: org.vcsA } },
    });
    expect(JSON.stringify(task.body)).not.toContain('9434765919');
  });

  it('POST /fhir/ServiceRequest with the patient contained answers 201 with Location and ETag', async () => {
    const b = bundleFor(svc.a);
    const sr = b.entry[1].resource;
    const patient = { ...b.entry[0].resource, id: 'patient' };
    const consent = { ...b.entry[3].resource, id: 'consent', patient: { reference: '#patient' } };
    const body = {
      ...sr,
      contained: [patient, consent],
      subject: { identifier: patient.identifier[0] },
      supportingInfo: [{ reference: '#consent' }],
    };
    const res = await fhir('gp', 'POST', '/fhir/ServiceRequest', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/\/fhir\/ServiceRequest\/[^/]+\/_history\/1$/);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body.contained[0].name[0]).toMatchObject({ family: 'Smith', given: ['Jane'] });
  });

  it('accept, start and complete via PATCH with If-Match; a stale version is 412; history shows every version', async () => {
    const rid = await refer(svc.a);
    const accepted = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'accepted' }],
      'W/"1"',
    );
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('etag')).toBe('W/"2"');
    const stale = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'in-progress' }],
      'W/"1"',
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'conflict' }],
    });
    const type = (code: string) => ({ coding: [{ system: OUTPUT_TYPE_SYSTEM, code }] });
    const ons4 = (occasion: string, v: number[]) =>
      ['life-satisfaction', 'worthwhile', 'happiness', 'anxiety'].map((item, i) => ({
        type: type(`ons4-${item}-${occasion}`),
        valueInteger: v[i],
      }));
    const started = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [
        { op: 'replace', path: '/status', value: 'in-progress' },
        { op: 'add', path: '/output', value: ons4('baseline', [4, 5, 4, 6]) },
      ],
      'W/"2"',
    );
    expect(started.status).toBe(200);
    const completed = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [
        { op: 'test', path: '/status', value: 'in-progress' },
        { op: 'replace', path: '/status', value: 'completed' },
        {
          op: 'add',
          path: '/output/-',
          value: {
            type: type('outcome'),
            valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-goals-met' }] },
          },
        },
        ...ons4('follow-up', [7, 8, 7, 3]).map((value) => ({ op: 'add', path: '/output/-', value })),
      ],
      'W/"3"',
    );
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.output).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-goals-met' }] },
        }),
      ]),
    );
    expect(
      completed.body.output.filter((o: { valueInteger?: number }) => o.valueInteger !== undefined),
    ).toHaveLength(8);

    const history = await fhir('gp', 'GET', `/fhir/Task/${rid}/_history`);
    expect(history.body.type).toBe('history');
    expect(
      history.body.entry.map((e: { resource: { status: string; meta: { versionId: string } } }) => [
        e.resource.meta.versionId,
        e.resource.status,
      ]),
    ).toEqual([
      ['4', 'completed'],
      ['3', 'in-progress'],
      ['2', 'accepted'],
      ['1', 'requested'],
    ]);
    const v2 = await fhir('gp', 'GET', `/fhir/Task/${rid}/_history/2`);
    expect(v2.body).toMatchObject({ status: 'accepted', meta: { versionId: '2' } });
  });

  it('PUT needs If-Match (428); rejecting needs a coded reason named at Task.statusReason', async () => {
    const rid = await refer(svc.a);
    const current = (await fhir('vcsA', 'GET', `/fhir/Task/${rid}`)).body;
    const noMatch = await fhir('vcsA', 'PUT', `/fhir/Task/${rid}`, { ...current, status: 'rejected' });
    expect(noMatch.status).toBe(428);
    const noReason = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      { ...current, status: 'rejected' },
      { 'if-match': 'W/"1"' },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.issue[0].expression).toEqual(['Task.statusReason']);
    const rejected = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      {
        ...current,
        status: 'rejected',
        statusReason: { coding: [{ system: REASON_SYSTEM, code: 'no-capacity' }] },
      },
      { 'if-match': 'W/"1"' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      statusReason: { coding: [{ code: 'no-capacity' }] },
    });
  });

  it('an open referral is claimed with PATCH owner + status accepted', async () => {
    const rid = await refer(null);
    const claimed = await patch(
      'vcsC',
      `/fhir/Task/${rid}`,
      [
        { op: 'add', path: '/owner', value: { reference: `HealthcareService/${svc.c}` } },
        { op: 'replace', path: '/status', value: 'accepted' },
      ],
      'W/"1"',
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'accepted', owner: { identifier: { value: org.vcsC } } });
  });

  it('searches Tasks with paging links', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const ids = [await refer(svc.b), await refer(svc.b), await refer(svc.b)];
    const first = await fhir(
      'vcsB',
      'GET',
      `/fhir/Task?owner=HealthcareService/${svc.b}&status=requested&_lastUpdated=gt${since}&_count=2`,
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 3 });
    expect(first.body.entry).toHaveLength(2);
    const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const second = await fhir('vcsB', 'GET', next);
    expect(second.body.entry).toHaveLength(1);
    expect(second.body.link.find((l: { relation: string }) => l.relation === 'previous')).toBeDefined();
    const seen = [...first.body.entry, ...second.body.entry].map(
      (e: { resource: { id: string } }) => e.resource.id,
    );
    expect(seen.sort()).toEqual([...ids].sort());
    const byOwner = await fhir('vcsB', 'GET', `/fhir/Task?owner=Organization/${org.vcsB}&_count=100`);
    expect(byOwner.body.total).toBeGreaterThanOrEqual(3);
    const focus = await fhir('vcsB', 'GET', `/fhir/Task?focus=ServiceRequest/${ids[0]}`);
    expect(focus.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids[0]]);
  });

  describe('ServiceRequest search', () => {
    const nhs = '9458073022';
    const otherNhs = '9573681935';
    const bySubject = (nhsNumber: string) =>
      `subject:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`)}`;
    const idsOf = (reply: Reply): string[] =>
      reply.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort();
    const search = async (who: string, query: string): Promise<Reply> => {
      const reply = await fhir(who, 'GET', `/fhir/ServiceRequest?${query}`);
      expect([query, reply.status, reply.body.resourceType, reply.body.type]).toEqual([
        query,
        200,
        'Bundle',
        'searchset',
      ]);
      return reply;
    };
    let since = '';
    let toA = '';
    let toB = '';
    let open = '';
    let otherPatient = '';

    beforeAll(async () => {
      since = new Date(Date.now() - 1000).toISOString();
      toA = await refer(svc.a, nhs);
      toB = await refer(svc.b, nhs);
      open = await refer(null, nhs);
      otherPatient = await refer(svc.a, otherNhs);
    });

    it("finds a patient's referrals by NHS number, each caller only those it may see", async () => {
      const mine = await search('gp', bySubject(nhs));
      expect(mine.body.total).toBe(3);
      expect(idsOf(mine)).toEqual([toA, toB, open].sort());
      for (const entry of mine.body.entry)
        expect(entry.resource).toMatchObject({
          resourceType: 'ServiceRequest',
          contained: [{ resourceType: 'Patient', identifier: [{ value: nhs }] }, { resourceType: 'Consent' }],
        });
      expect(mine.body.entry[0].fullUrl).toBe(
        `${base}/fhir/ServiceRequest/${mine.body.entry[0].resource.id}`,
      );
      expect(idsOf(await search('gp', bySubject(otherNhs)))).toEqual([otherPatient]);
      // A provider: what its services were sent, plus open referrals it could claim; ops: all.
      expect(idsOf(await search('vcsA', bySubject(nhs)))).toEqual([toA, open].sort());
      expect(idsOf(await search('vcsB', bySubject(nhs)))).toEqual([toB]);
      expect(idsOf(await search('vcsC', bySubject(nhs)))).toEqual([open]);
      expect(idsOf(await search('ops', bySubject(nhs)))).toEqual([toA, toB, open].sort());
      // Another practice's referrals simply do not appear, by patient or by id.
      const other = await search('otherGp', bySubject(nhs));
      expect([other.body.total, other.body.entry]).toEqual([0, []]);
      expect((await search('otherGp', `_id=${toA},${toB}`)).body.total).toBe(0);
      expect((await search('vcsB', `_id=${toA}`)).body.total).toBe(0);
    });

    it('pages with links that keep the filters', async () => {
      const first = await search('gp', `${bySubject(nhs)}&_count=2`);
      expect([first.body.total, first.body.entry.length]).toEqual([3, 2]);
      const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
      expect(new URL(next).searchParams.get('subject:identifier')).toBe(
        `https://fhir.nhs.uk/Id/nhs-number|${nhs}`,
      );
      const second = await fhir('gp', 'GET', next);
      expect(second.body.entry).toHaveLength(1);
      expect(second.body.link.find((l: { relation: string }) => l.relation === 'next')).toBeUndefined();
      expect(
        [...first.body.entry, ...second.body.entry]
          .map((e: { resource: { id: string } }) => e.resource.id)
          .sort(),
      ).toEqual([toA, toB, open].sort());
    });

    it('filters by performer, status, requester, _id and _lastUpdated', async () => {
      const subject = bySubject(nhs);
      expect(idsOf(await search('gp', `${subject}&performer=HealthcareService/${svc.a}`))).toEqual([toA]);
      expect(idsOf(await search('gp', `${subject}&performer=${svc.b}`))).toEqual([toB]);
      expect(idsOf(await search('gp', `${subject}&requester=Organization/${org.gp}`))).toHaveLength(3);
      expect((await search('gp', `${subject}&requester=${org.otherGp}`)).body.total).toBe(0);
      expect(idsOf(await search('gp', `_id=${toA},${otherPatient}`))).toEqual([toA, otherPatient].sort());
      expect(idsOf(await search('gp', `${subject}&_id=${toA},${otherPatient}`))).toEqual([toA]);
      expect(idsOf(await search('gp', `${subject}&_lastUpdated=gt${since}`))).toHaveLength(3);
      expect((await search('gp', `${subject}&_lastUpdated=lt${since}`)).body.total).toBe(0);

      const rejected = await patch('vcsB', `/fhir/Task/${toB}`, [
        { op: 'replace', path: '/status', value: 'rejected' },
        {
          op: 'add',
          path: '/statusReason',
          value: { coding: [{ system: REASON_SYSTEM, code: 'no-capacity' }] },
        },
      ]);
      expect(rejected.status).toBe(200);
      const revoked = await search('gp', `${subject}&status=revoked`);
      expect(idsOf(revoked)).toEqual([toB]);
      expect(revoked.body.entry[0].resource.status).toBe('revoked');
      expect(idsOf(await search('gp', `${subject}&status=active`))).toEqual([toA, open].sort());
      expect(idsOf(await search('gp', `${subject}&status=completed,on-hold`))).toEqual([]);
      expect((await search('gp', `${subject}&status=unknown`)).body.total).toBe(0);
    });

    it('audits every referral a search returns, for the caller', async () => {
      await search('vcsA', bySubject(nhs));
      for (const rid of [toA, open]) {
        const audit = await send(`${base}/v1/audit?referralId=${rid}&size=500`, {
          method: 'GET',
          token: tokens['ops'],
        });
        expect(audit.status).toBe(200);
        expect(
          audit.body.items.filter(
            (e: { action: string; organisationId: string; outcome: string }) =>
              e.action === 'referral.search' && e.organisationId === org.vcsA && e.outcome === 'allowed',
          ).length,
        ).toBeGreaterThanOrEqual(1);
      }
      // Nothing is recorded against a referral the caller did not find.
      const toBAudit = await send(`${base}/v1/audit?referralId=${toB}&size=500`, {
        method: 'GET',
        token: tokens['ops'],
      });
      expect(
        toBAudit.body.items.filter(
          (e: { action: string; organisationId: string }) =>
            e.action === 'referral.search' && e.organisationId === org.vcsA,
        ),
      ).toEqual([]);
    });

    it('answers unknown and malformed parameters with one OperationOutcome naming each', async () => {
      const res = await fhir(
        'gp',
        'GET',
        `/fhir/ServiceRequest?colour=red&${bySubject('9458073023')}&performer=Organization/x&_count=0`,
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue.map((i: { details: { text: string } }) => i.details.text.split(': ')[0])).toEqual(
        ['colour', 'subject:identifier', 'performer', '_count'],
      );
      expect(JSON.stringify(res.body)).not.toContain('9458073023');
      const wrongSystem = await fhir(
        'gp',
        'GET',
        `/fhir/ServiceRequest?subject:identifier=${encodeURIComponent(`https://example.org/mrn|${nhs}`)}`,
      );
      expect([wrongSystem.status, wrongSystem.body.issue[0].code]).toEqual([400, 'not-supported']);
    });
  });

  it("another organisation's referral is refused on every endpoint", async () => {
    const rid = await refer(svc.a);
    for (const who of ['otherGp', 'vcsB']) {
      for (const path of [`/fhir/ServiceRequest/${rid}`, `/fhir/Task/${rid}`, `/fhir/Task/${rid}/_history`]) {
        const res = await fhir(who, 'GET', path);
        expect([path, res.status, res.body.resourceType]).toEqual([path, 404, 'OperationOutcome']);
      }
      const moved = await patch(who, `/fhir/Task/${rid}`, [
        { op: 'replace', path: '/status', value: 'cancelled' },
      ]);
      expect(moved.status).toBe(404);
      const search = await fhir(who, 'GET', `/fhir/Task?focus=ServiceRequest/${rid}`);
      expect(search.body.total).toBe(0);
    }
    expect((await fhir('vcsA', 'GET', `/fhir/Task/${rid}`)).body.status).toBe('requested');
  });

  it('onward referrals: a transaction of ServiceRequest basedOn the parent + Task partOf its Task', async () => {
    const parent = await refer(svc.lw);
    expect(
      (await patch('lw', `/fhir/Task/${parent}`, [{ op: 'replace', path: '/status', value: 'accepted' }]))
        .status,
    ).toBe(200);
    const res = await fhir('lw', 'POST', '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:onward-sr',
          resource: {
            resourceType: 'ServiceRequest',
            status: 'active',
            intent: 'order',
            basedOn: [{ reference: `ServiceRequest/${parent}` }],
            performer: [{ reference: `HealthcareService/${svc.b}` }],
            reasonCode: [
              {
                coding: [
                  { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-debt' },
                ],
              },
            ],
          },
          request: { method: 'POST', url: 'ServiceRequest' },
        },
        {
          fullUrl: 'urn:uuid:onward-task',
          resource: {
            resourceType: 'Task',
            status: 'requested',
            intent: 'order',
            focus: { reference: 'urn:uuid:onward-sr' },
            partOf: [{ reference: `Task/${parent}` }],
          },
          request: { method: 'POST', url: 'Task' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('201 Created');
    const child = idFromLocation(res.body.entry[0].response.location);
    const childTask = await fhir('vcsB', 'GET', `/fhir/Task/${child}`);
    expect(childTask.body).toMatchObject({
      partOf: [{ reference: `Task/${parent}` }],
      owner: { identifier: { value: org.vcsB } },
    });
    const children = await fhir('lw', 'GET', `/fhir/Task?part-of=Task/${parent}`);
    expect(children.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([child]);
    const requests = await fhir('lw', 'GET', `/fhir/ServiceRequest?based-on=ServiceRequest/${parent}`);
    expect(requests.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([child]);
    expect(requests.body.entry[0].resource.basedOn).toEqual([{ reference: `ServiceRequest/${parent}` }]);
  });

  it('bad inputs get an OperationOutcome naming the elements, and nothing is stored', async () => {
    const before = await referrals().countDocuments();
    const bad = bundleFor(id('svc-unknown'));
    bad.entry[0].resource.identifier[0].value = '9434765918';
    bad.entry[1].resource.supportingInfo = [];
    bad.entry[1].resource.subjct = 'typo';
    const res = await fhir('gp', 'POST', '/fhir', bad);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const expressions = res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0]).sort();
    expect(expressions).toEqual(
      expect.arrayContaining([
        'Bundle.entry[0].resource.identifier[0].value',
        'Bundle.entry[1].resource.supportingInfo',
        'Bundle.entry[1].resource.subjct',
      ]),
    );
    const unknownService = await fhir('gp', 'POST', '/fhir', bundleFor(id('svc-unknown')));
    expect(unknownService.status).toBeGreaterThanOrEqual(400);
    expect(unknownService.body.issue[0].expression).toEqual(['Bundle.entry[1].resource.performer']);
    const notMine = await fhir('otherGp', 'POST', '/fhir', bundleFor(svc.a));
    expect(notMine.body.issue.map((i: { expression: string[] }) => i.expression[0])).toContain(
      'Bundle.entry[1].resource.requester',
    );

    const raw = (body: string, contentType: string) =>
      fetch(`${base}/fhir`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.gp}`, 'content-type': contentType },
        body,
      });
    for (const [response, status] of [
      [await raw('{"resourceType":"Bundle",', 'application/fhir+json'), 400],
      [await raw(JSON.stringify(bundleFor(svc.a)), 'text/xml'), 415],
      [await raw(JSON.stringify({ pad: 'x'.repeat(1_100_000) }), 'application/fhir+json'), 413],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(((await response.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    }
    const unauthenticated = await fhir(undefined, 'GET', '/fhir/Task');
    expect([unauthenticated.status, unauthenticated.body.resourceType]).toEqual([401, 'OperationOutcome']);
    const unknownRoute = await fhir('gp', 'GET', '/fhir/Observation/1');
    expect([unknownRoute.status, unknownRoute.body.resourceType]).toEqual([404, 'OperationOutcome']);
    expect(await referrals().countDocuments()).toBe(before);
  });
});
