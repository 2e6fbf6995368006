/**
 * Gravity's closed loop on the real stack (Kafka, MongoDB, Redis), booted in-process: Task outputs
 * as the SDOHCC IG records them (resulting-activity with a contained Procedure, or a code), open
 * referrals (owner:missing) with _include=Task:focus, Patient read, and Prefer. Every resource we
 * get back is checked against the FHIR R4 core definitions (and the pinned Gravity terminology)
 * with expectValidFhir from @sp/testing.
 */
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { expectValidFhir, testInfra } from '@sp/testing';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM } from '../src/fhir/fhir.constants';
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
import {
  FOOD_CATEGORY,
  FOOD_PANTRY,
  PROVISION_OF_FOOD,
  RESULTING_ACTIVITY,
  SNOMED,
  UNABLE_TO_CONTACT,
} from './support/gravity-codes';

const { run, id } = testRun('gravity-out');
const ISSUER = 'http://referrals-gravity-outputs-e2e.test';
const db = `test_${run}_referrals_gravity_out`;

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

describe('Gravity outputs, open referrals, Patient read and Prefer (FHIR, end to end)', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;

  function fhir(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return send(`${base}${path}`, {
      method,
      token: tokens[who],
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });
  }
  const patch = (who: string, rid: string, ops: unknown[], headers: Record<string, string> = {}) =>
    fhir(who, 'PATCH', `/fhir/Task/${rid}`, ops, {
      'content-type': 'application/json-patch+json',
      ...headers,
    });

  async function refer(serviceId: string | null, prefer?: string): Promise<{ rid: string; reply: Reply }> {
    const bundle = gravityBundle({ serviceId, identifier: id(`r-${Math.random().toString(36).slice(2)}`) });
    bundle.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    bundle.entry[1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    const reply = await fhir('gp', 'POST', '/fhir', bundle, prefer ? { prefer } : {});
    expect([reply.status, reply.body]).toEqual([200, expect.anything()]);
    const location = reply.body.entry[1].response.location as string;
    return { rid: location.split('/')[1] as string, reply };
  }

  /** A referral to svc.a, accepted and started by vcsA: ready to complete (version 3). */
  async function inProgress(): Promise<string> {
    const { rid } = await refer(svc.a);
    expect((await patch('vcsA', rid, [{ op: 'replace', path: '/status', value: 'accepted' }])).status).toBe(
      200,
    );
    expect(
      (await patch('vcsA', rid, [{ op: 'replace', path: '/status', value: 'in-progress' }])).status,
    ).toBe(200);
    return rid;
  }

  const readTask = async (who: string, rid: string) => (await fhir(who, 'GET', `/fhir/Task/${rid}`)).body;
  const audit = async (referralId: string) =>
    (
      await send(`${base}/v1/audit?referralId=${encodeURIComponent(referralId)}&size=500`, {
        method: 'GET',
        token: tokens['ops'],
      })
    ).body.items as { action: string; organisationId: string; outcome: string }[];

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

  it('completes with a contained Procedure (PUT): kept, returned inside the Task, its code in the outcome', async () => {
    const rid = await inProgress();
    const current = await readTask('vcsA', rid);
    const patient = current.for.reference as string;
    expect(patient).toMatch(/^Patient\/[a-f0-9]{64}$/);
    const procedure = {
      resourceType: 'Procedure',
      id: 'food',
      status: 'completed',
      category: FOOD_CATEGORY,
      code: { coding: [FOOD_PANTRY] },
      subject: { reference: patient },
      basedOn: [{ reference: `ServiceRequest/${rid}` }],
      performedDateTime: '2026-11-30T10:00:00Z',
    };
    expectValidFhir(procedure);
    const done = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      {
        ...current,
        status: 'completed',
        contained: [procedure],
        output: [{ type: RESULTING_ACTIVITY, valueReference: { reference: '#food' } }],
      },
      { 'if-match': 'W/"3"' },
    );
    expect(done.status).toBe(200);
    expect(done.headers.get('etag')).toBe('W/"4"');
    const task = await readTask('gp', rid);
    expectValidFhir(task);
    expect(task.status).toBe('completed');
    expect(task.contained).toEqual([
      {
        resourceType: 'Procedure',
        id: 'procedure-1',
        basedOn: [{ reference: `ServiceRequest/${rid}` }],
        status: 'completed',
        category: FOOD_CATEGORY,
        code: { coding: [FOOD_PANTRY] },
        subject: { reference: patient },
        performedDateTime: '2026-11-30T10:00:00Z',
      },
    ]);
    expectValidFhir(task.contained[0]);
    expect(task.output).toEqual(
      expect.arrayContaining([
        { type: RESULTING_ACTIVITY, valueReference: { reference: '#procedure-1' } },
        {
          type: { coding: [{ system: OUTPUT_TYPE_SYSTEM, code: 'outcome' }] },
          valueCodeableConcept: { coding: [{ system: SNOMED, code: FOOD_PANTRY.code }] },
        },
      ]),
    );
    // The JSON API sees the same coded outcome, and the activity.
    const json = await send(`${base}/v1/referrals/${rid}`, { method: 'GET', token: tokens['gp'] });
    expect(json.body.outcome).toMatchObject({
      codes: [FOOD_PANTRY.code],
      activities: [{ procedureId: 'procedure-1', codes: [FOOD_PANTRY] }],
    });
  });

  it('completes with a coded activity (PATCH valueCodeableConcept) beside our own outcome output', async () => {
    const rid = await inProgress();
    const done = await patch('vcsA', rid, [
      { op: 'replace', path: '/status', value: 'completed' },
      {
        op: 'add',
        path: '/output',
        value: [
          { type: RESULTING_ACTIVITY, valueCodeableConcept: { coding: [PROVISION_OF_FOOD] } },
          {
            type: { coding: [{ system: OUTPUT_TYPE_SYSTEM, code: 'outcome' }] },
            valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-attended' }] },
          },
        ],
      },
    ]);
    expect(done.status).toBe(200);
    expectValidFhir(done.body);
    expect(done.body.contained).toBeUndefined();
    expect(done.body.output).toContainEqual({
      type: RESULTING_ACTIVITY,
      valueCodeableConcept: { coding: [PROVISION_OF_FOOD] },
    });
    const json = await send(`${base}/v1/referrals/${rid}`, { method: 'GET', token: tokens['vcsA'] });
    expect(json.body.outcome.codes.sort()).toEqual([PROVISION_OF_FOOD.code, 'sp-outcome-attended'].sort());
  });

  it('refuses bad outputs with one issue per problem, naming each element, and changes nothing', async () => {
    const rid = await inProgress();
    const before = await readTask('vcsA', rid);
    const bad = await patch('vcsA', rid, [
      { op: 'replace', path: '/status', value: 'completed' },
      {
        op: 'add',
        path: '/contained',
        value: [
          {
            resourceType: 'Procedure',
            id: 'p1',
            status: 'in-progress',
            code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99999' }] },
            subject: { reference: 'Patient/someone-else' },
          },
        ],
      },
      {
        op: 'add',
        path: '/output',
        value: [
          { type: RESULTING_ACTIVITY, valueReference: { reference: '#p1' } },
          { type: RESULTING_ACTIVITY, valueReference: { reference: 'Procedure/elsewhere' } },
          { type: RESULTING_ACTIVITY },
        ],
      },
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    expectValidFhir(bad.body);
    expect(bad.body.issue.map((i: { expression: string[] }) => i.expression[0]).sort()).toEqual(
      [
        'Task.contained[0].status',
        'Task.contained[0].code',
        'Task.contained[0].subject',
        'Task.contained[0].performed',
        'Task.output[1].valueReference',
        'Task.output[2].value[x]',
      ].sort(),
    );
    const after = await readTask('vcsA', rid);
    expect(after).toEqual(before);
    // An activity outside completion is refused by the same rule as the JSON API's outcome.
    const early = await patch('vcsA', rid, [
      { op: 'replace', path: '/status', value: 'on-hold' },
      {
        op: 'add',
        path: '/statusReason',
        value: UNABLE_TO_CONTACT,
      },
      {
        op: 'add',
        path: '/output',
        value: [{ type: RESULTING_ACTIVITY, valueCodeableConcept: { coding: [PROVISION_OF_FOOD] } }],
      },
    ]);
    expect(early.status).toBeGreaterThanOrEqual(400);
    expect(early.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(
      'Task.output',
    );
    expect((await readTask('vcsA', rid)).meta.versionId).toBe(before.meta.versionId);
  });

  it('finds open referrals with owner:missing=true (owned ones with false) and includes the focused ServiceRequest', async () => {
    const { rid: open } = await refer(null);
    const { rid: owned } = await refer(svc.a);
    const since = new Date(Date.now() - 120_000).toISOString();
    const search = (who: string, q: string) =>
      fhir(who, 'GET', `/fhir/Task?${q}&_lastUpdated=gt${since}&_count=100`);
    const ids = (r: Reply, mode = 'match') =>
      (r.body.entry ?? [])
        .filter((e: { search: { mode: string } }) => e.search.mode === mode)
        .map((e: { resource: { id: string } }) => e.resource.id);

    const openForGp = await search('gp', 'owner:missing=true&_include=Task:focus');
    expect(openForGp.status).toBe(200);
    expectValidFhir(openForGp.body);
    expect(ids(openForGp)).toContain(open);
    expect(ids(openForGp)).not.toContain(owned);
    expect(ids(openForGp, 'include')).toEqual(ids(openForGp));
    const included = openForGp.body.entry.find(
      (e: { search: { mode: string }; resource: { id: string } }) =>
        e.search.mode === 'include' && e.resource.id === open,
    );
    expect(included).toMatchObject({
      fullUrl: `${base}/fhir/ServiceRequest/${open}`,
      resource: { resourceType: 'ServiceRequest', status: 'active' },
    });
    // A provider that could claim it sees it too (Gravity: the open referral is offered to the pool).
    expect(ids(await search('vcsC', 'owner:missing=true'))).toContain(open);
    const ownedForGp = await search('gp', 'owner:missing=false');
    expect(ids(ownedForGp)).toContain(owned);
    expect(ids(ownedForGp)).not.toContain(open);
    // _include=Task:patient adds each patient once.
    const withPatient = await search('gp', `focus=ServiceRequest/${owned}&_include=Task:patient`);
    expectValidFhir(withPatient.body);
    expect(
      withPatient.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType),
    ).toEqual(['Task', 'Patient']);
  });

  it('reads the Patient for a caller who may see a referral of theirs (audited), 404 for anyone else', async () => {
    const { rid } = await refer(svc.a);
    const patientRef = (await readTask('gp', rid)).for.reference as string;
    const key = patientRef.split('/')[1] as string;
    for (const who of ['gp', 'vcsA', 'ops']) {
      const res = await fhir(who, 'GET', `/fhir/${patientRef}`);
      expect(res.status).toBe(200);
      expectValidFhir(res.body);
      expect(res.body).toMatchObject({
        resourceType: 'Patient',
        id: key,
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number' }],
      });
    }
    const entries = await audit(rid);
    for (const o of [org.gp, org.vcsA, org.ops])
      expect(entries).toContainEqual(
        expect.objectContaining({ action: 'patient.read', organisationId: o, outcome: 'allowed' }),
      );
    for (const who of ['otherGp', 'vcsB']) {
      const hidden = await fhir(who, 'GET', `/fhir/${patientRef}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    }
    const unknown = await fhir('gp', 'GET', `/fhir/Patient/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    // Not visible and unknown answer alike, apart from the id they name.
    const hiddenText = (
      await fhir('otherGp', 'GET', `/fhir/${patientRef}`)
    ).body.issue[0].details.text.replace(key, 'X');
    expect(unknown.body.issue[0].details.text.replace('0'.repeat(64), 'X')).toBe(hiddenText);
    expect(await audit(key)).toContainEqual(
      expect.objectContaining({ action: 'patient.read', organisationId: org.otherGp, outcome: 'denied' }),
    );
    // No patient data of the referral is audited for the callers that were refused.
    expect((await audit(rid)).filter((e) => e.organisationId === org.otherGp)).toEqual([]);
  });

  it('honours Prefer on create and update', async () => {
    const { rid, reply } = await refer(svc.a, 'return=representation');
    expect(reply.headers.get('preference-applied')).toBe('return=representation');
    const written = reply.body.entry.filter((e: { resource?: unknown }) => e.resource);
    expect(
      written.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort(),
    ).toEqual(['ServiceRequest', 'Task']);
    for (const e of written) expectValidFhir(e.resource);

    const minimal = await patch('vcsA', rid, [{ op: 'replace', path: '/status', value: 'accepted' }], {
      prefer: 'return=minimal',
    });
    expect(minimal.status).toBe(200);
    expect(minimal.body).toBeUndefined();
    expect(minimal.headers.get('etag')).toBe('W/"2"');
    expect(minimal.headers.get('location')).toBe(`${base}/fhir/Task/${rid}/_history/2`);

    const outcome = await patch('vcsA', rid, [{ op: 'replace', path: '/status', value: 'in-progress' }], {
      prefer: 'return=OperationOutcome',
    });
    expect(outcome.status).toBe(200);
    expectValidFhir(outcome.body);
    expect(outcome.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational' }],
    });
    const representation = await fhir(
      'vcsA',
      'PUT',
      `/fhir/Task/${rid}`,
      {
        ...(await readTask('vcsA', rid)),
        status: 'on-hold',
        statusReason: UNABLE_TO_CONTACT,
      },
      { 'if-match': 'W/"3"', prefer: 'return=representation' },
    );
    expect(representation.status).toBe(200);
    expect(representation.body).toMatchObject({
      resourceType: 'Task',
      status: 'on-hold',
      meta: { versionId: '4' },
    });
  });
});
