/**
 * The FHIR HTTP layer over the real service-kit wiring (body parsing, auth guard, exception filter)
 * with a fake ReferralOperations: content types, OperationOutcome for every error (including
 * those raised before a controller runs), headers, and the translation to operations.
 * No infrastructure: a local JWKS server and in-memory fakes.
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import request from 'supertest';
import { CommonConfigSchema } from '@sp/config';
import { DomainError, ValidationError } from '@sp/errors';
import { TokenIssuer, type Principal } from '@sp/identity';
import { createServiceApp, type ProblemDocument } from '@sp/service-kit';
import { capabilityStatement, RESOURCE_CAPABILITIES } from '../src/fhir/capability-statement';
import { fhirControllers, fhirProviders } from '../src/fhir/fhir.wiring';
import { gpSummaryFhirControllers } from '../src/gp-summary/gp-summary.wiring';
import { caseRecordFhirControllers } from '../src/case-record/case-record.wiring';
import { returnPreference } from '../src/fhir/fhir-http';
import { toOperationOutcome } from '../src/fhir/operation-outcome';
import { PATIENT_KEYS, type PatientKeys } from '../src/fhir/patient-keys';
import { FHIR_AUDIT } from '../src/fhir/patient/patient.controller';
import type { AuditEntry } from '../src/audit/audit-log.repository';
import { SERVICE_REQUEST_SEARCH_PARAMS } from '../src/fhir/service-request-search';
import { TASK_SEARCH_PARAMS } from '../src/fhir/task-search';
import type { ReferralDocument } from '../src/referrals/referral.entity';
import {
  REFERRAL_OPERATIONS,
  type CreateReferralInput,
  type ReferralOperations,
  type ReferralSearch,
  type TransitionInput,
} from '../src/referrals/referral-operations';
import { containedServiceRequest, gravityBundle, referralDoc } from './fhir-fixtures';

const ISSUER = 'http://issuer.fhir.test';
const AUDIENCE = 'social-prescribing';
const FHIR = /^application\/fhir\+json/;

class FakeOperations implements ReferralOperations {
  doc: ReferralDocument = referralDoc();
  creates: CreateReferralInput[] = [];
  transitions: TransitionInput[] = [];
  searches: ReferralSearch[] = [];
  failCreateWith?: DomainError;

  async create(input: CreateReferralInput) {
    if (this.failCreateWith) throw this.failCreateWith;
    this.creates.push(input);
    return { created: this.creates.length === 1, referral: this.doc };
  }
  async get(id: string) {
    if (id !== this.doc._id)
      throw new DomainError('REFERRAL.NOT_FOUND', `Referral ${id} not found`, { status: 404 });
    return this.doc;
  }
  /** What searches answer (default: 45 in all, this page the one referral). */
  page?: { total: number; items: ReferralDocument[] };
  async search(query: ReferralSearch) {
    this.searches.push(query);
    return this.page ?? { total: 45, items: [this.doc] };
  }
  async transition(input: TransitionInput) {
    this.transitions.push(input);
    if (input.expectedVersion !== this.doc.version)
      throw new DomainError('REFERRAL.VERSION_MISMATCH', 'stale', { status: 412 });
    if (input.action === 'reject' && !input.reason)
      throw new ValidationError('The change is invalid', [
        { field: 'reason', code: 'required', message: 'A coded reason is required' },
      ]);
    this.doc = {
      ...this.doc,
      status: 'accepted',
      version: this.doc.version + 1,
      updatedAt: new Date('2024-05-02T10:00:00Z'),
    };
    return this.doc;
  }
  async claim(): Promise<ReferralDocument> {
    throw new Error('not used');
  }
  async createOnward(): Promise<{ parent: ReferralDocument; children: ReferralDocument[] }> {
    throw new Error('not used');
  }
  async withdrawConsent(): Promise<ReferralDocument> {
    throw new Error('not used');
  }
  async children(): Promise<ReferralDocument[]> {
    return [];
  }
}

describe('FHIR API over HTTP (fake operations)', () => {
  let app: INestApplication;
  let jwks: Server;
  let issuer: TokenIssuer;
  const ops = new FakeOperations();
  const patientKeys: PatientKeys = { keyFor: (nhsNumber) => `key-of-${nhsNumber}` };
  const audit = { entries: [] as AuditEntry[], record: async (e: AuditEntry) => void audit.entries.push(e) };
  const gp: Principal = {
    clientId: 'client-gp',
    organisationId: 'org-practice',
    odsCode: 'A81001',
    role: 'referrer',
    scopes: [],
  };
  const vcs: Principal = { clientId: 'client-vcs', organisationId: 'org-vcs', role: 'provider', scopes: [] };
  const bearer = async (p: Principal) => `Bearer ${(await issuer.issue(p)).access_token}`;

  beforeAll(async () => {
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    issuer = new TokenIssuer({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    const { ServiceKitModule } = await import('@sp/service-kit');

    @Module({
      imports: [
        ServiceKitModule.forRoot({
          name: 'referrals',
          configSchema: CommonConfigSchema,
          env: {
            JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
            TOKEN_ISSUER: ISSUER,
            LOG_LEVEL: 'silent',
          },
          bodyLimit: '20kb',
          deadLetterEndpoints: false,
        }),
      ],
      controllers: fhirControllers,
      providers: [
        ...fhirProviders,
        { provide: REFERRAL_OPERATIONS, useValue: ops },
        { provide: PATIENT_KEYS, useValue: patientKeys },
        { provide: FHIR_AUDIT, useValue: audit },
      ],
    })
    class FhirTestModule {}
    app = (await createServiceApp({ name: 'referrals', module: FhirTestModule })).app;
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const http = () => request(app.getHttpServer());

  it('serves the CapabilityStatement without a token', async () => {
    const res = await http().get('/fhir/metadata').expect(200);
    expect(res.headers['content-type']).toMatch(FHIR);
    expect(res.body).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
      status: 'active',
    });
  });

  it('creates from a transaction Bundle: transaction-response with location and etag, then 200 for the conditional retry', async () => {
    const bundle = gravityBundle({ ifNoneExist: true });
    const first = await http()
      .post('/fhir')
      .set('Authorization', await bearer(gp))
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(bundle))
      .expect(200);
    expect(first.headers['content-type']).toMatch(FHIR);
    expect(first.body.type).toBe('transaction-response');
    expect(first.body.entry[1].response).toMatchObject({
      status: '201 Created',
      location: 'ServiceRequest/ref-1/_history/1',
      etag: 'W/"1"',
    });
    expect(first.body.entry[2].response).toMatchObject({
      status: '201 Created',
      location: 'Task/ref-1/_history/1',
    });
    expect(ops.creates[0]).toMatchObject({
      idempotencyKey: 'fhir:identifier=https://gp.example/referrals|ref-0001',
      actor: { organisationId: 'org-practice' },
    });
    const retry = await http()
      .post('/fhir')
      .set('Authorization', await bearer(gp))
      .set('Content-Type', 'application/json')
      .send(bundle)
      .expect(200);
    expect(retry.body.entry[1].response.status).toBe('200 OK');
    expect(ops.creates[1]?.rawBody).toEqual(ops.creates[0]?.rawBody);
  });

  it('translates operation field errors to FHIRPath expressions of the resource sent', async () => {
    ops.failCreateWith = new ValidationError(
      'The referral is invalid',
      [
        { field: 'targetServiceId', code: 'service_withdrawn', message: 'The service is withdrawn' },
        { field: 'patient.birthDate', code: 'not_eligible', message: 'Too young' },
      ],
      { status: 422 },
    );
    const res = await http()
      .post('/fhir/ServiceRequest')
      .set('Authorization', await bearer(gp))
      .set('Content-Type', 'application/fhir+json')
      .send(containedServiceRequest())
      .expect(422);
    ops.failCreateWith = undefined;
    expect(res.headers['content-type']).toMatch(FHIR);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual([
      'ServiceRequest.performer',
      'ServiceRequest.contained[0].birthDate',
    ]);
    expect(res.body.issue[0]).toMatchObject({
      severity: 'error',
      code: 'value',
      details: { text: 'The service is withdrawn' },
    });
  });

  it('POST /fhir/ServiceRequest answers 201 with Location and ETag', async () => {
    ops.creates = [];
    const res = await http()
      .post('/fhir/ServiceRequest')
      .set('Authorization', await bearer(gp))
      .set('Content-Type', 'application/fhir+json')
      .send(containedServiceRequest())
      .expect(201);
    expect(res.headers.location).toMatch(/\/fhir\/ServiceRequest\/ref-1\/_history\/1$/);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.body).toMatchObject({ resourceType: 'ServiceRequest', id: 'ref-1' });
  });

  it('answers every error under /fhir with an OperationOutcome, before and after the controller', async () => {
    const token = await bearer(gp);
    const cases: Array<[request.Test, number, string]> = [
      [
        http().post('/fhir').set('Authorization', token).set('Content-Type', 'text/plain').send('hello'),
        415,
        'not-supported',
      ],
      [
        http()
          .post('/fhir')
          .set('Authorization', token)
          .set('Content-Type', 'application/fhir+json')
          .send('{"resourceType":'),
        400,
        'structure',
      ],
      [
        http()
          .post('/fhir')
          .set('Authorization', token)
          .set('Content-Type', 'application/fhir+json')
          .send(JSON.stringify({ pad: 'x'.repeat(30_000) })),
        413,
        'too-costly',
      ],
      [http().post('/fhir').set('Content-Type', 'application/fhir+json').send('{}'), 401, 'security'],
      [
        http()
          .post('/fhir')
          .set('Authorization', await bearer(vcs))
          .set('Content-Type', 'application/fhir+json')
          .send('{}'),
        403,
        'forbidden',
      ],
      [http().get('/fhir/Nothing/here').set('Authorization', token), 404, 'not-found'],
      [http().get('/fhir/Task/unknown').set('Authorization', token), 404, 'not-found'],
      [http().get('/fhir/Task?colour=red').set('Authorization', token), 400, 'not-supported'],
      [
        http()
          .patch('/fhir/Task/ref-1')
          .set('Authorization', token)
          .set('Content-Type', 'application/json')
          .send('[]'),
        415,
        'not-supported',
      ],
      [
        http()
          .put('/fhir/Task/ref-1')
          .set('Authorization', token)
          .set('Content-Type', 'application/fhir+json')
          .send('{}'),
        428,
        'required',
      ],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect([res.status, res.headers['content-type']]).toEqual([status, expect.stringMatching(FHIR)]);
      expect(res.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code }],
      });
    }
    const unauth = await http().get('/fhir/Task/ref-1');
    expect(unauth.headers['www-authenticate']).toBe('Bearer');
  });

  it('keeps problem+json outside /fhir', async () => {
    const res = await http().get('/v1/nothing').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('reads a Task with ETag and searches with paging links', async () => {
    const token = await bearer(vcs);
    const read = await http().get('/fhir/Task/ref-1').set('Authorization', token).expect(200);
    expect(read.headers.etag).toBe('W/"1"');
    expect(read.body).toMatchObject({ resourceType: 'Task', meta: { versionId: '1' } });
    const res = await http()
      .get(
        '/fhir/Task?owner=Organization/org-vcs&status=requested,accepted&_lastUpdated=gt2024-04-01T00:00:00Z&_count=10&_offset=10',
      )
      .set('Authorization', token)
      .expect(200);
    expect(ops.searches.at(-1)).toEqual({
      ownerOrganisationId: 'org-vcs',
      status: ['requested', 'accepted'],
      updatedAfter: new Date('2024-04-01T00:00:00Z'),
      count: 10,
      offset: 10,
    });
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 45 });
    const links = Object.fromEntries(
      res.body.link.map((l: { relation: string; url: string }) => [l.relation, new URL(l.url)]),
    );
    expect(links.next.searchParams.get('_offset')).toBe('20');
    expect(links.previous.searchParams.get('_offset')).toBe('0');
    expect(links.last.searchParams.get('_offset')).toBe('40');
    expect(links.self.searchParams.get('owner')).toBe('Organization/org-vcs');
    const history = await http().get('/fhir/Task/ref-1/_history').set('Authorization', token).expect(200);
    expect(history.body).toMatchObject({
      type: 'history',
      total: 1,
      entry: [{ resource: { meta: { versionId: '1' } } }],
    });
  });

  it('searches ServiceRequests by patient (NHS number -> patient key) with paging links', async () => {
    const token = await bearer(gp);
    const res = await http()
      .get('/fhir/ServiceRequest')
      .query({
        'subject:identifier': 'https://fhir.nhs.uk/Id/nhs-number|9434765919',
        status: 'active',
        performer: 'HealthcareService/svc-walks',
        _count: '10',
      })
      .set('Authorization', token)
      .expect(200);
    expect(res.headers['content-type']).toMatch(FHIR);
    expect(ops.searches.at(-1)).toEqual({
      patientKey: 'key-of-9434765919',
      targetServiceId: 'svc-walks',
      status: ['requested', 'accepted', 'in-progress'],
      count: 10,
      offset: 0,
    });
    expect(res.body).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 45,
      entry: [{ resource: { resourceType: 'ServiceRequest', id: 'ref-1' } }],
    });
    const links = Object.fromEntries(
      res.body.link.map((l: { relation: string; url: string }) => [l.relation, new URL(l.url)]),
    );
    expect(links.self.pathname).toBe('/fhir/ServiceRequest');
    expect(links.next.searchParams.get('_offset')).toBe('10');
    expect(links.next.searchParams.get('subject:identifier')).toBe(
      'https://fhir.nhs.uk/Id/nhs-number|9434765919',
    );
    expect(links.last.searchParams.get('_offset')).toBe('40');
  });

  it('answers status=unknown with an empty searchset without searching', async () => {
    const before = ops.searches.length;
    const res = await http()
      .get('/fhir/ServiceRequest?status=unknown')
      .set('Authorization', await bearer(gp))
      .expect(200);
    expect(res.body).toMatchObject({ type: 'searchset', total: 0 });
    expect(res.body.entry).toEqual([]);
    expect(ops.searches.length).toBe(before);
  });

  it('answers unknown and malformed ServiceRequest search parameters with one OperationOutcome naming each', async () => {
    const before = ops.searches.length;
    const res = await http()
      .get('/fhir/ServiceRequest')
      .query({
        colour: 'red',
        'subject:identifier': 'https://fhir.nhs.uk/Id/nhs-number|9434765918',
        status: 'sleeping',
        _count: '0',
      })
      .set('Authorization', await bearer(gp))
      .expect(400);
    expect(res.headers['content-type']).toMatch(FHIR);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(
      res.body.issue.map((i: { code: string; details: { text: string } }) => [
        i.code,
        i.details.text.split(':')[0],
      ]),
    ).toEqual([
      ['not-supported', 'colour'],
      ['value', 'subject'],
      ['code-invalid', 'status'],
      ['value', '_count'],
    ]);
    expect(res.body.issue[1].details.text).toMatch(/^subject:identifier: /);
    expect(JSON.stringify(res.body)).not.toContain('9434765918');
    expect(ops.searches.length).toBe(before);
  });

  it('PATCH maps the status change with If-Match; a stale version is 412; missing reason names Task.statusReason', async () => {
    const token = await bearer(vcs);
    const stale = await http()
      .patch('/fhir/Task/ref-1')
      .set('Authorization', token)
      .set('If-Match', 'W/"7"')
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/status', value: 'accepted' }]))
      .expect(412);
    expect(stale.body.issue[0]).toMatchObject({ code: 'conflict' });
    const rejected = await http()
      .patch('/fhir/Task/ref-1')
      .set('Authorization', token)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/status', value: 'rejected' }]))
      .expect(400);
    expect(rejected.body.issue[0].expression).toEqual(['Task.statusReason']);
    const ok = await http()
      .patch('/fhir/Task/ref-1')
      .set('Authorization', token)
      .set('If-Match', 'W/"1"')
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/status', value: 'accepted' }]))
      .expect(200);
    expect(ops.transitions.at(-1)).toMatchObject({
      referralId: 'ref-1',
      action: 'accept',
      expectedVersion: 1,
      actor: { organisationId: 'org-vcs' },
    });
    expect(ok.headers.etag).toBe('W/"2"');
    expect(ok.body).toMatchObject({ status: 'accepted', meta: { versionId: '2' } });
  });

  it('honours Prefer on update: minimal (no body, Location and ETag), OperationOutcome, representation', async () => {
    const token = await bearer(vcs);
    const change = (prefer: string) =>
      http()
        .patch('/fhir/Task/ref-1')
        .set('Authorization', token)
        .set('Prefer', prefer)
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify([{ op: 'replace', path: '/status', value: 'in-progress' }]))
        .expect(200);
    const minimal = await change('return=minimal');
    expect(minimal.text).toBe('');
    expect(minimal.headers.etag).toBe(`W/"${ops.doc.version}"`);
    expect(minimal.headers.location).toMatch(new RegExp(`/fhir/Task/ref-1/_history/${ops.doc.version}$`));
    expect(minimal.headers['preference-applied']).toBe('return=minimal');
    const outcome = await change('handling=strict, return=OperationOutcome');
    expect(outcome.headers['content-type']).toMatch(FHIR);
    expect(outcome.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational' }],
    });
    const representation = await change('return=representation');
    expect(representation.body).toMatchObject({ resourceType: 'Task', id: 'ref-1' });
    // No Prefer (or an unknown value): the resource, as before.
    expect((await change('return=everything')).body.resourceType).toBe('Task');
  });

  it('honours Prefer on create (ServiceRequest and transaction)', async () => {
    const token = await bearer(gp);
    const minimal = await http()
      .post('/fhir/ServiceRequest')
      .set('Authorization', token)
      .set('Prefer', 'return=minimal')
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(containedServiceRequest()));
    expect([200, 201]).toContain(minimal.status);
    expect(minimal.text).toBe('');
    expect(minimal.headers.location).toMatch(/\/fhir\/ServiceRequest\/ref-1\/_history\/\d+$/);
    const withResources = await http()
      .post('/fhir')
      .set('Authorization', token)
      .set('Prefer', 'return=representation')
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(gravityBundle()))
      .expect(200);
    const resources = withResources.body.entry
      .map((e: { resource?: { resourceType: string } }) => e.resource?.resourceType)
      .filter(Boolean);
    expect(resources.sort()).toEqual(['ServiceRequest', 'Task']);
    const outcomes = await http()
      .post('/fhir')
      .set('Authorization', token)
      .set('Prefer', 'return=OperationOutcome')
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(gravityBundle()))
      .expect(200);
    expect(
      outcomes.body.entry.filter(
        (e: { response: { outcome?: { resourceType: string } } }) =>
          e.response.outcome?.resourceType === 'OperationOutcome',
      ).length,
    ).toBe(outcomes.body.entry.length);
  });

  it('searches open Tasks (owner:missing) and includes the focused ServiceRequest and the Patient', async () => {
    const token = await bearer(vcs);
    const res = await http()
      .get('/fhir/Task?owner:missing=true&_include=Task:focus&_include=Task:patient&_count=5')
      .set('Authorization', token)
      .expect(200);
    expect(ops.searches.at(-1)).toEqual({ ownerMissing: true, count: 5, offset: 0 });
    expect(res.body.entry.map((e: { search: { mode: string } }) => e.search.mode)).toEqual([
      'match',
      'include',
      'include',
    ]);
    expect(res.body.entry[1].resource).toMatchObject({ resourceType: 'ServiceRequest', id: 'ref-1' });
    expect(res.body.entry[2]).toMatchObject({
      fullUrl: expect.stringMatching(new RegExp(`/fhir/Patient/${'a'.repeat(64)}$`)),
      resource: { resourceType: 'Patient', id: 'a'.repeat(64) },
    });
    const next = new URL(
      res.body.link.find((l: { relation: string }) => l.relation === 'next').url as string,
    );
    expect(next.searchParams.get('owner:missing')).toBe('true');
    expect(next.searchParams.getAll('_include')).toEqual(['Task:focus', 'Task:patient']);
    const refused = await http()
      .get('/fhir/Task?_include=Task:owner&owner:missing=maybe')
      .set('Authorization', token)
      .expect(400);
    expect(refused.body.issue.map((i: { details: { text: string } }) => i.details.text)).toEqual([
      expect.stringContaining('owner:missing'),
      expect.stringContaining('_include'),
    ]);
  });

  it('reads a Patient the caller may see, audited; 404 otherwise, never telling why', async () => {
    const token = await bearer(gp);
    const key = 'a'.repeat(64);
    const res = await http().get(`/fhir/Patient/${key}`).set('Authorization', token).expect(200);
    expect(res.body).toEqual({
      resourceType: 'Patient',
      id: key,
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
      name: [{ family: 'Smith', given: ['Jane'] }],
      birthDate: '1950-04-02',
    });
    expect(ops.searches.at(-1)).toMatchObject({ patientKey: key, count: 1 });
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'patient.read',
      referralId: 'ref-1',
      outcome: 'allowed',
    });
    ops.page = { total: 0, items: [] };
    try {
      for (const id of ['b'.repeat(64), 'not-a-patient-key']) {
        const missing = await http().get(`/fhir/Patient/${id}`).set('Authorization', token).expect(404);
        expect(missing.body).toMatchObject({
          resourceType: 'OperationOutcome',
          issue: [{ code: 'not-found' }],
        });
        expect(audit.entries.at(-1)).toMatchObject({ action: 'patient.read', outcome: 'denied' });
      }
    } finally {
      delete ops.page;
    }
  });
});

describe('Prefer: return=', () => {
  it.each([
    [undefined, 'representation'],
    ['return=minimal', 'minimal'],
    ['respond-async, return=OperationOutcome', 'OperationOutcome'],
    ['return="minimal"; handling=lenient', 'minimal'],
    ['return=representation', 'representation'],
    ['return=everything', 'representation'],
    ['handling=strict', 'representation'],
  ])('%s -> %s', (header, expected) => {
    expect(returnPreference(header)).toBe(expected);
  });
});

describe('OperationOutcome mapping', () => {
  const problem = (over: Partial<ProblemDocument>): ProblemDocument => ({
    type: 't',
    title: 'x',
    status: 400,
    detail: 'd',
    code: 'VALIDATION.FAILED',
    instance: '/fhir',
    ...over,
  });
  it('gives one issue per field problem with its FHIRPath, headers in the text', () => {
    const outcome = toOperationOutcome(
      problem({
        correlationId: 'c-1',
        errors: [
          { field: 'Bundle.entry[0].resource.birthDate', code: 'required', message: 'needed' },
          { field: 'Task.statusReason.coding[0].code', code: 'code-invalid', message: 'unknown' },
          { field: 'If-None-Exist', code: 'not-supported', message: 'only identifier' },
        ],
      }),
    );
    expect(outcome.issue).toEqual([
      expect.objectContaining({
        code: 'required',
        expression: ['Bundle.entry[0].resource.birthDate'],
        diagnostics: 'correlationId: c-1',
      }),
      expect.objectContaining({ code: 'code-invalid', expression: ['Task.statusReason.coding[0].code'] }),
      expect.objectContaining({
        code: 'not-supported',
        details: expect.objectContaining({ text: 'If-None-Exist: only identifier' }),
      }),
    ]);
    expect(outcome.issue[2]?.expression).toBeUndefined();
  });
  it.each([
    [401, 'security'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [412, 'conflict'],
    [413, 'too-costly'],
    [415, 'not-supported'],
    [422, 'processing'],
    [500, 'exception'],
  ])('maps status %i to issue code %s', (status, code) => {
    expect(toOperationOutcome(problem({ status, code: 'X.Y' })).issue[0]?.code).toBe(code);
  });
});

describe('CapabilityStatement truthfulness', () => {
  /** Every (method, path) the FHIR controllers serve. */
  function servedRoutes(): string[] {
    const routes: string[] = [];
    for (const controller of [
      ...fhirControllers,
      ...gpSummaryFhirControllers,
      ...caseRecordFhirControllers,
    ]) {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller));
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (
          name === 'constructor' ||
          typeof handler !== 'function' ||
          Reflect.getMetadata(PATH_METADATA, handler) === undefined
        )
          continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
        routes.push(`${method} /${[base, sub].filter((s) => s !== '/' && s !== '').join('/')}`);
      }
    }
    return routes.sort();
  }

  /** The routes the CapabilityStatement promises. */
  function promisedRoutes(): string[] {
    const routes = ['GET /fhir/metadata', 'POST /fhir'];
    const route: Record<string, (t: string) => string> = {
      read: (t) => `GET /fhir/${t}/:id`,
      vread: (t) => `GET /fhir/${t}/:id/_history/:vid`,
      'history-instance': (t) => `GET /fhir/${t}/:id/_history`,
      'search-type': (t) => `GET /fhir/${t}`,
      create: (t) => `POST /fhir/${t}`,
      update: (t) => `PUT /fhir/${t}/:id`,
      patch: (t) => `PATCH /fhir/${t}/:id`,
    };
    for (const r of RESOURCE_CAPABILITIES) for (const i of r.interactions) routes.push(route[i]!(r.type));
    return routes.sort();
  }

  it('promises exactly the routes the controllers serve', () => {
    expect(servedRoutes()).toEqual(promisedRoutes());
  });

  it('declares R4, json, transaction, OAuth and the Task search parameters the search accepts', () => {
    const cs = capabilityStatement('http://x/fhir', new Date()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cs).toMatchObject({
      fhirVersion: '4.0.1',
      kind: 'instance',
      status: 'active',
      format: expect.arrayContaining(['json']),
    });
    expect(cs.rest[0].interaction).toEqual([expect.objectContaining({ code: 'transaction' })]);
    expect(cs.rest[0].security.service[0].coding[0].code).toBe('OAuth');
    const task = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Task');
    expect(task.searchParam.map((p: { name: string }) => p.name).sort()).toEqual(
      ['owner', 'requester', 'status', 'focus', 'part-of', '_lastUpdated', '_count', '_offset'].sort(),
    );
    expect(task.versioning).toBe('versioned-update');
    expect(task.searchInclude).toEqual(['Task:focus', 'Task:patient']);
    expect(task.searchParam.find((p: { name: string }) => p.name === 'owner').documentation).toContain(
      'owner:missing=true',
    );
    const patient = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.interaction).toEqual([{ code: 'read' }]);
  });

  it('declares exactly the ServiceRequest and Task search parameters the searches accept', () => {
    const cs = capabilityStatement('http://x/fhir', new Date()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const declared = (type: string) =>
      cs.rest[0].resource
        .find((r: { type: string }) => r.type === type)
        .searchParam.map((p: { name: string }) => p.name)
        .sort();
    // A parameter taken with a modifier (subject:identifier) is declared under its name.
    const accepted = (params: readonly string[]) => params.map((p) => p.split(':')[0]).sort();
    expect(declared('ServiceRequest')).toEqual(accepted(SERVICE_REQUEST_SEARCH_PARAMS));
    expect(declared('ServiceRequest')).toEqual(
      [
        'subject',
        'requester',
        'performer',
        'status',
        'based-on',
        '_id',
        '_lastUpdated',
        '_count',
        '_offset',
      ].sort(),
    );
    expect(declared('Task')).toEqual(accepted(TASK_SEARCH_PARAMS));
    const sr = cs.rest[0].resource.find((r: { type: string }) => r.type === 'ServiceRequest');
    expect(sr.interaction.map((i: { code: string }) => i.code)).toContain('search-type');
    expect(sr.searchParam.find((p: { name: string }) => p.name === 'subject').documentation).toContain(
      'subject:identifier=https://fhir.nhs.uk/Id/nhs-number|',
    );
  });
});
