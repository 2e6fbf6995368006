/**
 * Gravity's closed loop on the real stack (Kafka, MongoDB, Redis), booted in-process: Task outputs
 * as the SDOHCC IG records them (resulting-activity with a contained Procedure, or a code), open
 * referrals (owner:missing) with _include=Task:focus, Patient read, and Prefer. Every resource we
 * get back is checked against the FHIR R4 core definitions (and the pinned Gravity terminology)
 * with expectValidFhir and HAPI's validator (expectValidFhirByHapi) from @sp/testing.
 */
import { expectValidFhir, expectValidFhirByHapi } from '@sp/testing';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM } from '../src/fhir/fhir.constants';
import type { Reply } from './support';
import {
  FOOD_CATEGORY,
  FOOD_PANTRY,
  PROVISION_OF_FOOD,
  RESULTING_ACTIVITY,
  SNOMED,
  UNABLE_TO_CONTACT,
} from './support/gravity-codes';
import { startGravityNetwork, type GravityNetwork } from './support/gravity-network';

describe('Gravity outputs, open referrals, Patient read and Prefer (FHIR, end to end)', () => {
  let net: GravityNetwork;
  let base = '';
  let org: GravityNetwork['org'];
  let svc: GravityNetwork['svc'];
  const fhir: GravityNetwork['fhir'] = (...args) => net.fhir(...args);
  const patch: GravityNetwork['patch'] = (...args) => net.patch(...args);
  const refer: GravityNetwork['refer'] = (...args) => net.refer(...args);
  const inProgress = () => net.inProgress();
  const readTask: GravityNetwork['readTask'] = (...args) => net.readTask(...args);
  const audit: GravityNetwork['audit'] = (...args) => net.audit(...args);

  beforeAll(async () => {
    net = await startGravityNetwork('gravity-out');
    ({ base, org, svc } = net);
  }, 240_000);

  afterAll(async () => {
    await net?.close();
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
    await expectValidFhirByHapi(procedure);
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
    await expectValidFhirByHapi(task);
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
    await expectValidFhirByHapi(task.contained[0]);
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
    const json = await net.json('gp', `/v1/referrals/${rid}`);
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
    await expectValidFhirByHapi(done.body);
    expect(done.body.contained).toBeUndefined();
    expect(done.body.output).toContainEqual({
      type: RESULTING_ACTIVITY,
      valueCodeableConcept: { coding: [PROVISION_OF_FOOD] },
    });
    const json = await net.json('vcsA', `/v1/referrals/${rid}`);
    expect(json.body.outcome.codes.sort()).toEqual([PROVISION_OF_FOOD.code, 'sp-outcome-attended'].sort());
  });

  it('completes with a Procedure posted beside the Task in a transaction (PUT Task + POST Procedure)', async () => {
    const rid = await inProgress();
    const current = await readTask('vcsA', rid);
    const procedure = {
      resourceType: 'Procedure',
      status: 'completed',
      code: { coding: [PROVISION_OF_FOOD] },
      subject: current.for,
      performedPeriod: { start: '2026-11-20', end: '2026-11-27' },
    };
    const transaction = (p: unknown, ifMatch = 'W/"3"') => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:4a1c6f0e-0d3b-4c5e-9f3a-2b8e7d6c5a41',
          resource: p,
          request: { method: 'POST', url: 'Procedure' },
        },
        {
          fullUrl: `${base}/fhir/Task/${rid}`,
          resource: {
            ...current,
            status: 'completed',
            output: [
              {
                type: RESULTING_ACTIVITY,
                valueReference: { reference: 'urn:uuid:4a1c6f0e-0d3b-4c5e-9f3a-2b8e7d6c5a41' },
              },
            ],
          },
          request: { method: 'PUT', url: `Task/${rid}`, ifMatch },
        },
      ],
    });
    expectValidFhir(transaction(procedure));
    await expectValidFhirByHapi(transaction(procedure));
    const bad = await fhir('vcsA', 'POST', '/fhir', transaction({ ...procedure, status: 'preparation' }));
    expect(bad.status).toBe(422);
    expect(bad.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual([
      'Bundle.entry[0].resource.status',
    ]);
    const stale = await fhir('vcsA', 'POST', '/fhir', transaction(procedure, 'W/"2"'));
    expect(stale.status).toBe(412);
    const done = await fhir('vcsA', 'POST', '/fhir', transaction(procedure));
    expect(done.status).toBe(200);
    expectValidFhir(done.body);
    await expectValidFhirByHapi(done.body);
    expect(done.body.entry[0].response.status).toBe('201 Created');
    expect(done.body.entry[1].response).toMatchObject({
      status: '200 OK',
      location: `Task/${rid}/_history/4`,
    });
    const task = await readTask('gp', rid);
    expectValidFhir(task);
    await expectValidFhirByHapi(task);
    expect(task.contained).toEqual([
      expect.objectContaining({ id: 'procedure-1', code: { coding: [PROVISION_OF_FOOD] } }),
    ]);
    expect(task.output).toContainEqual({
      type: RESULTING_ACTIVITY,
      valueReference: { reference: '#procedure-1' },
    });
    // A provider may update its Task by transaction, but not create referrals with one.
    const { rid: other } = await refer(svc.a);
    const bundle = (await fhir('gp', 'GET', `/fhir/ServiceRequest/${other}`)).body;
    const notForProviders = await fhir('vcsA', 'POST', '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: bundle, request: { method: 'POST', url: 'ServiceRequest' } }],
    });
    expect(notForProviders.status).toBe(403);
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
    await expectValidFhirByHapi(bad.body);
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
    await expectValidFhirByHapi(openForGp.body);
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
    await expectValidFhirByHapi(withPatient.body);
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
      await expectValidFhirByHapi(res.body);
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
    for (const e of written) {
      expectValidFhir(e.resource);
      await expectValidFhirByHapi(e.resource);
      await expectValidFhirByHapi(e.resource);
    }

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
    await expectValidFhirByHapi(outcome.body);
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
