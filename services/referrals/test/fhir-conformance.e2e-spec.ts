/**
 * FHIR R4 conformance of everything the referrals FHIR API emits, on the real stack (Kafka,
 * MongoDB, Redis; the service booted in-process as in fhir.e2e-spec.ts). A realistic flow — intake
 * by transaction and by POST, reads, accept/start/complete, history, searches, the case record's
 * CarePlan, Goal and Communication views (before and after consent withdrawal), refusals — and
 * every response body (whatever its status), plus every FHIR request body the fixtures send, is
 * validated by HAPI's FHIR validator (platform.sh) against the R4 core definitions and the pinned
 * Gravity terminology, and by the in-process checks of @sp/testing (docs/conformance-testing.md).
 */
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import {
  errorIssues,
  expectValidFhir,
  expectValidFhirByHapi,
  formatIssues,
  testInfra,
  validateFhir,
  validateFhirWithHapi,
} from '@sp/testing';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM, REASON_SYSTEM } from '../src/fhir/fhir.constants';
import { containedServiceRequest, gravityBundle } from './fhir-fixtures';
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

const { run, id } = testRun('fhirconf');
const ISSUER = 'http://referrals-fhir-conformance.test';
const db = `test_${run}_referrals_fhirconf`;

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { a: id('svc-a'), b: id('svc-b') };
const NEED_SYSTEM_URL = 'https://socialprescribing.example.org/CodeSystem/need';

/** One emitted resource that validated. */
interface Checked {
  what: string;
  status: number;
  resourceType: string | undefined;
}

describe('FHIR R4 conformance of the referrals FHIR API', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  const emitted: Checked[] = [];

  /** One call; its response body, whatever the status, must be valid FHIR R4. */
  async function fhir(
    who: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const res = await send(`${base}${path}`, {
      method,
      ...(who ? { token: tokens[who] } : {}),
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });
    const what = `${method} ${path.split('?')[0]} -> ${res.status}`;
    if (res.body === undefined) throw new Error(`${what}: no body`);
    const errors = errorIssues([...(await validateFhirWithHapi(res.body)), ...validateFhir(res.body)]);
    if (errors.length > 0) {
      throw new Error(
        `${what}: the ${String(res.body?.resourceType)} emitted is not valid FHIR R4:\n${formatIssues(errors)}`,
      );
    }
    emitted.push({ what, status: res.status, resourceType: res.body?.resourceType });
    return res;
  }
  const patch = (who: string, path: string, ops: unknown[], ifMatch?: string) =>
    fhir(who, 'PATCH', path, ops, {
      'content-type': 'application/json-patch+json',
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
    });
  const idFromLocation = (location: string) => location.split('/')[1] as string;
  const bundleFor = (serviceId: string | null, nhsNumber?: string) => {
    const b = gravityBundle({
      serviceId,
      identifier: id(`r-${Math.random().toString(36).slice(2)}`),
      ...(nhsNumber ? { nhsNumber } : {}),
    });
    b.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    b.entry[1].resource.reasonCode = [{ coding: [{ system: NEED_SYSTEM_URL, code: 'sp-need-loneliness' }] }];
    return b;
  };

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app, url: base } = await bootReferrals(db, tokenServer));
    await new DirectoryFeed(run)
      .organisation(org.vcsA)
      .organisation(org.vcsB)
      .service(svc.a, org.vcsA, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.b, org.vcsB, { taxonomyTermIds: ['sp-need-debt', 'sp-need-loneliness'] })
      .publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.vcsA, org.vcsB],
    });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  describe('what clients send (the test fixtures)', () => {
    it.each([
      ['the Gravity transaction Bundle', () => gravityBundle()],
      [
        'the Gravity transaction Bundle with a conditional create',
        () => gravityBundle({ ifNoneExist: true }),
      ],
      ['the Gravity transaction Bundle without a performer', () => gravityBundle({ serviceId: null })],
      ['a ServiceRequest with the patient and consent contained', () => containedServiceRequest()],
      [
        'a ServiceRequest naming the patient by NHS number',
        () => containedServiceRequest({ byIdentifier: true }),
      ],
    ])('%s is valid FHIR R4', async (_name, build) => {
      expectValidFhir(build());
      await expectValidFhirByHapi(build());
    });
  });

  it('GET /fhir/metadata: the CapabilityStatement', async () => {
    const res = await fhir(undefined, 'GET', '/fhir/metadata');
    expect([res.status, res.body.resourceType]).toEqual([200, 'CapabilityStatement']);
  });

  it('intake, reads, the lifecycle, history and searches emit valid resources', async () => {
    const nhs = '9434765919';
    // transaction -> transaction-response
    const tx = await fhir('gp', 'POST', '/fhir', bundleFor(svc.a, nhs));
    expect([tx.status, tx.body.type]).toEqual([200, 'transaction-response']);
    const rid = idFromLocation(tx.body.entry[1].response.location);

    // POST /fhir/ServiceRequest, with and without the representation
    const body = containedServiceRequest({ nhsNumber: nhs });
    body.performer = [{ reference: `HealthcareService/${svc.b}` }];
    body.contained[1].dateTime = new Date(Date.now() - 60_000).toISOString();
    body.reasonCode = [{ coding: [{ system: NEED_SYSTEM_URL, code: 'sp-need-debt' }] }];
    const created = await fhir('gp', 'POST', '/fhir/ServiceRequest', body, {
      prefer: 'return=representation',
    });
    expect(created.status).toBe(201);

    // reads
    const sr = await fhir('gp', 'GET', `/fhir/ServiceRequest/${rid}`);
    expect(sr.body.resourceType).toBe('ServiceRequest');
    const task = await fhir('vcsA', 'GET', `/fhir/Task/${rid}`);
    expect(task.body.resourceType).toBe('Task');
    const patientRef: string = task.body.for.reference;
    expect(patientRef).toMatch(/^Patient\//);
    const patient = await fhir('gp', 'GET', `/fhir/${patientRef}`);
    expect(patient.body.resourceType).toBe('Patient');

    // accept, start with baseline outputs, complete with the outcome
    const type = (code: string) => ({ coding: [{ system: OUTPUT_TYPE_SYSTEM, code }] });
    const ons4 = (occasion: string, v: number[]) =>
      ['life-satisfaction', 'worthwhile', 'happiness', 'anxiety'].map((item, i) => ({
        type: type(`ons4-${item}-${occasion}`),
        valueInteger: v[i],
      }));
    const accepted = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'accepted' }],
      'W/"1"',
    );
    expect(accepted.status).toBe(200);
    const stale = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'in-progress' }],
      'W/"1"',
    );
    expect(stale.status).toBe(412);
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

    // history
    const history = await fhir('gp', 'GET', `/fhir/Task/${rid}/_history`);
    expect(history.body.type).toBe('history');
    await fhir('gp', 'GET', `/fhir/Task/${rid}/_history/2`);

    // a rejection with a coded reason (PUT with If-Match)
    const second = idFromLocation(
      (await fhir('gp', 'POST', '/fhir', bundleFor(svc.b, nhs))).body.entry[1].response.location,
    );
    const current = (await fhir('vcsB', 'GET', `/fhir/Task/${second}`)).body;
    const noMatch = await fhir('vcsB', 'PUT', `/fhir/Task/${second}`, { ...current, status: 'rejected' });
    expect(noMatch.status).toBe(428);
    const noReason = await fhir(
      'vcsB',
      'PUT',
      `/fhir/Task/${second}`,
      { ...current, status: 'rejected' },
      { 'if-match': 'W/"1"' },
    );
    expect(noReason.status).toBe(400);
    const rejected = await fhir(
      'vcsB',
      'PUT',
      `/fhir/Task/${second}`,
      {
        ...current,
        status: 'rejected',
        statusReason: { coding: [{ system: REASON_SYSTEM, code: 'no-capacity' }] },
      },
      { 'if-match': 'W/"1"' },
    );
    expect(rejected.status).toBe(200);

    // searches: searchset Bundles, paged, with the filters of the API
    const bySubject = `subject:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs}`)}`;
    const mine = await fhir('gp', 'GET', `/fhir/ServiceRequest?${bySubject}&_count=1`);
    expect([mine.body.type, mine.body.total]).toEqual(['searchset', 3]);
    const next = (mine.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next');
    expect(next).toBeDefined();
    await fhir('gp', 'GET', new URL(next!.url).pathname + new URL(next!.url).search);
    await fhir('vcsA', 'GET', `/fhir/Task?owner=Organization/${org.vcsA}&_count=100`);
    await fhir('vcsA', 'GET', `/fhir/Task?focus=ServiceRequest/${rid}`);
    await fhir('gp', 'GET', `/fhir/Task?status=requested`);
    await fhir('gp', 'GET', `/fhir/ServiceRequest?status=active`);
    await fhir('gp', 'GET', `/fhir/ServiceRequest?_id=${rid}`);
  });

  it('the case record: the support plan as a CarePlan, what matters as Goals, contacts as Communications', async () => {
    const rid = idFromLocation(
      (await fhir('gp', 'POST', '/fhir', bundleFor(svc.a))).body.entry[1].response.location,
    );
    const accepted = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [{ op: 'replace', path: '/status', value: 'accepted' }],
      'W/"1"',
    );
    expect(accepted.status).toBe(200);
    // The case record is written through the JSON API by the organisation holding the referral.
    const write = async (path: string, body: unknown) => {
      const res = await send(`${base}/v1/referrals/${rid}/${path}`, {
        method: 'POST',
        token: tokens.vcsA,
        body,
      });
      expect([path, res.status]).toEqual([path, 201]);
      return res.body as { id: string };
    };
    const goal = await write('what-matters', { text: 'Back to the allotment by spring' });
    await write('what-matters', { text: 'See her grandson more' });
    await write('needs', { code: 'sp-need-loneliness', status: 'active' });
    await write('plan/actions', {
      description: 'Visit the allotment society together',
      owner: { kind: 'organisation', organisationId: org.vcsA, display: 'Allotment society' },
      dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      status: 'planned',
    });
    await write('plan/actions', {
      description: 'Phone her grandson',
      owner: { kind: 'patient' },
      dueDate: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10),
      status: 'in-progress',
    });
    const contact = await write('contacts', {
      at: new Date().toISOString(),
      method: 'phone',
      outcome: 'reached',
      summary: 'Talked about the allotment',
    });
    await write('contacts', { at: new Date().toISOString(), method: 'video', outcome: 'no-answer' });

    const carePlan = await fhir('vcsA', 'GET', `/fhir/CarePlan/${rid}`);
    expect([carePlan.status, carePlan.body.resourceType]).toEqual([200, 'CarePlan']);
    const subject = carePlan.body.subject.reference as string;
    const plans = await fhir('vcsA', 'GET', `/fhir/CarePlan?subject=${subject}&_count=1`);
    expect([plans.body.type, plans.body.entry[0].resource.resourceType]).toEqual(['searchset', 'CarePlan']);
    const read = await fhir('vcsA', 'GET', `/fhir/Goal/${goal.id}`);
    expect([read.status, read.body.resourceType]).toEqual([200, 'Goal']);
    const goals = await fhir('vcsA', 'GET', `/fhir/Goal?subject=${subject}`);
    expect(goals.body.total).toBe(2);
    const communication = await fhir('vcsA', 'GET', `/fhir/Communication/${contact.id}`);
    expect([communication.status, communication.body.resourceType]).toEqual([200, 'Communication']);
    const contacts = await fhir(
      'vcsA',
      'GET',
      `/fhir/Communication?based-on=ServiceRequest/${rid}&category=patient-contact`,
    );
    expect(contacts.body.total).toBe(2);
    // Refusals of the case record: the referring practice, anyone else.
    expect((await fhir('gp', 'GET', `/fhir/CarePlan/${rid}`)).status).toBe(403);
    expect((await fhir('vcsB', 'GET', `/fhir/Goal/${goal.id}`)).status).toBe(404);

    // After consent withdrawal the views are redacted (masked texts, a revoked plan), still valid.
    const withdrawn = await send(`${base}/v1/referrals/${rid}/consent-withdrawal`, {
      method: 'POST',
      token: tokens.gp,
      body: {},
    });
    expect(withdrawn.status).toBe(200);
    expect((await fhir('vcsA', 'GET', `/fhir/CarePlan/${rid}`)).body.status).toBe('revoked');
    await fhir('vcsA', 'GET', `/fhir/Goal/${goal.id}`);
    await fhir('vcsA', 'GET', `/fhir/Communication/${contact.id}`);
  });

  it('refusals are valid OperationOutcomes', async () => {
    const rid = idFromLocation(
      (await fhir('gp', 'POST', '/fhir', bundleFor(svc.a))).body.entry[1].response.location,
    );
    const bad = bundleFor(id('svc-unknown'));
    bad.entry[0].resource.identifier[0].value = '9434765918';
    bad.entry[1].resource.supportingInfo = [];
    bad.entry[1].resource.subjct = 'typo';
    const cases: [string, Reply][] = [
      ['bad bundle', await fhir('gp', 'POST', '/fhir', bad)],
      ['unknown service', await fhir('gp', 'POST', '/fhir', bundleFor(id('svc-unknown')))],
      ['not my practice', await fhir('otherGp', 'POST', '/fhir', bundleFor(svc.a))],
      ['bad search', await fhir('gp', 'GET', '/fhir/ServiceRequest?colour=red&_count=0')],
      ['another organisation', await fhir('vcsB', 'GET', `/fhir/Task/${rid}`)],
      ['unauthenticated', await fhir(undefined, 'GET', '/fhir/Task')],
      ['unknown route', await fhir('gp', 'GET', '/fhir/Observation/1')],
      ['unknown patient', await fhir('gp', 'GET', `/fhir/Patient/${'0'.repeat(64)}`)],
    ];
    for (const [name, res] of cases) {
      expect([name, res.status >= 400, res.body.resourceType]).toEqual([name, true, 'OperationOutcome']);
    }
    for (const [body, contentType] of [
      ['{"resourceType":"Bundle",', 'application/fhir+json'],
      [JSON.stringify(bundleFor(svc.a)), 'text/xml'],
    ]) {
      const response = await fetch(`${base}/fhir`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.gp}`, 'content-type': contentType as string },
        body,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      const outcome: unknown = await response.json();
      expectValidFhir(outcome);
      await expectValidFhirByHapi(outcome);
    }
  });

  it('emitted every kind of resource the API produces', () => {
    const kinds = new Set(emitted.map((e) => e.resourceType));
    for (const kind of [
      'CapabilityStatement',
      'Bundle',
      'ServiceRequest',
      'Task',
      'Patient',
      'OperationOutcome',
      'CarePlan',
      'Goal',
      'Communication',
    ]) {
      expect(kinds).toContain(kind);
    }
  });
});
