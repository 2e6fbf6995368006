/**
 * Referrals built the way the HL7 Gravity SDOH Clinical Care IG builds them, with UK identifiers,
 * through the FHIR API on the real stack (Kafka, MongoDB, Redis): the need in a Condition
 * (reasonReference), an SDOH category and a SNOMED CT code, no reasonCode; a Goal in
 * supportingInfo; do-not-contact as `contacting-subject-prohibited`; the NHS number with UK Core's
 * verification status. Every Bundle sent, and what the API answers, is validated by HAPI's FHIR
 * validator and the in-process checks of @sp/testing (R4 core definitions, pinned Gravity
 * terminology) first, so the test sends what a conformant client would.
 */
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { NEED_MAPPING_VERSION, Topics } from '@sp/contracts';
import { expectValidFhir, expectValidFhirByHapi, testInfra, uniqueName, waitFor } from '@sp/testing';
import { OUTCOME_SYSTEM, OUTPUT_TYPE_SYSTEM } from '../src/fhir/fhir.constants';
import { gravitySdohBundle, SDOHCC, type SdohOptions } from './fhir-fixtures';
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

const { run, id } = testRun('gravity');
const ISSUER = 'http://referrals-gravity-e2e.test';
const db = `test_${run}_referrals_gravity`;

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
/** a: befriending (platform need); b: community transport (lists a SNOMED CT need); c: debt advice. */
const svc = { a: id('svc-befriending'), b: id('svc-transport'), c: id('svc-debt') };
const TRANSPORT_TOO_EXPENSIVE = { code: '160695008', display: 'Transport too expensive' };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Gravity SDOH referrals end to end', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  /** Every referral this spec created (their events are checked at the end). */
  const created: string[] = [];

  async function fhir(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return send(path.startsWith('http') ? path : `${base}${path}`, {
      method,
      token: tokens[who],
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });
  }
  const patch = (who: string, path: string, ops: unknown[], version: number) =>
    fhir(who, 'PATCH', path, ops, {
      'content-type': 'application/json-patch+json',
      'if-match': `W/"${version}"`,
    });
  const referrals = () => mongo.db(db).collection('referrals');
  /** Valid FHIR R4: HAPI's validator and the in-process checks. */
  const valid = async (resource: unknown): Promise<void> => {
    expectValidFhir(resource);
    await expectValidFhirByHapi(resource);
  };
  /** A Gravity Bundle with a fresh identifier and a consent recorded a minute ago, validated. */
  const bundle = async (opts: SdohOptions = {}): Promise<Json> => {
    const b = gravitySdohBundle({
      identifier: id(`sdoh-${Math.random().toString(36).slice(2)}`),
      consentAt: new Date(Date.now() - 60_000).toISOString(),
      ...opts,
    });
    await valid(b);
    return b;
  };
  async function refer(opts: SdohOptions): Promise<string> {
    const res = await fhir('gp', 'POST', '/fhir', await bundle(opts));
    expect([res.status, res.body.resourceType]).toEqual([200, 'Bundle']);
    const rid = (res.body.entry[1].response.location as string).split('/')[1] as string;
    created.push(rid);
    return rid;
  }

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app, url: base } = await bootReferrals(db, tokenServer));
    await new DirectoryFeed(run)
      .organisation(org.vcsA)
      .organisation(org.vcsB)
      .organisation(org.vcsC)
      .service(svc.a, org.vcsA, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.b, org.vcsB, { taxonomyTermIds: [TRANSPORT_TOO_EXPENSIVE.code] })
      .service(svc.c, org.vcsC, { taxonomyTermIds: ['sp-need-debt'] })
      .publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.vcsA, org.vcsB, org.vcsC],
    });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('accepts the Bundle with no reasonCode: needs from the Condition, category and code; Condition and Goal kept', async () => {
    const sent = await bundle({ serviceId: svc.a });
    const res = await fhir('gp', 'POST', '/fhir', sent);
    expect(res.status).toBe(200);
    await valid(res.body);
    expect(res.body.entry.map((e: Json) => e.response.status)).toEqual(Array(6).fill('201 Created'));
    const rid = (res.body.entry[1].response.location as string).split('/')[1] as string;
    created.push(rid);

    const stored = await referrals().findOne({ _id: rid as never });
    expect(stored).toMatchObject({
      needs: ['sp-need-loneliness', '422650009'],
      doNotContact: true,
      targetServiceId: svc.a,
      patient: { nhsNumber: '9434765919' },
      reasons: {
        conditions: [
          { codings: [{ system: 'http://snomed.info/sct', code: '422650009', display: 'Social isolation' }] },
        ],
        goals: [{ codings: [], text: 'Meets friends every week' }],
        needMappingVersion: NEED_MAPPING_VERSION,
      },
    });

    const sr = await fhir('gp', 'GET', `/fhir/ServiceRequest/${rid}`);
    expect(sr.status).toBe(200);
    await valid(sr.body);
    expect(sr.body).toMatchObject({
      reasonCode: [
        { coding: [{ code: 'sp-need-loneliness' }] },
        { coding: [{ system: 'http://snomed.info/sct', code: '422650009' }] },
      ],
      reasonReference: [{ reference: '#condition-0' }],
      orderDetail: [{ coding: [{ code: 'do-not-contact' }] }],
    });
    expect(sr.body.contained).toContainEqual(
      expect.objectContaining({
        resourceType: 'Condition',
        id: 'condition-0',
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '422650009', display: 'Social isolation' }],
        },
      }),
    );
  });

  it('finds the referral by patient and by owner, then runs it through accept, start and complete', async () => {
    const nhsNumber = '9458073022';
    const rid = await refer({ serviceId: svc.a, nhsNumber });

    const subject = encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`);
    const byPatient = await fhir('gp', 'GET', `/fhir/ServiceRequest?subject:identifier=${subject}`);
    expect(byPatient.status).toBe(200);
    await valid(byPatient.body);
    expect(byPatient.body.entry.map((e: Json) => e.resource.id)).toEqual([rid]);
    const owned = await fhir('vcsA', 'GET', `/fhir/Task?owner=HealthcareService/${svc.a}&status=requested`);
    expect(owned.body.entry.map((e: Json) => e.resource.id)).toContain(rid);

    const replace = (status: string) => ({ op: 'replace', path: '/status', value: status });
    expect((await patch('vcsA', `/fhir/Task/${rid}`, [replace('accepted')], 1)).status).toBe(200);
    expect((await patch('vcsA', `/fhir/Task/${rid}`, [replace('in-progress')], 2)).status).toBe(200);
    const completed = await patch(
      'vcsA',
      `/fhir/Task/${rid}`,
      [
        replace('completed'),
        {
          op: 'add',
          path: '/output',
          value: [
            {
              type: { coding: [{ system: OUTPUT_TYPE_SYSTEM, code: 'outcome' }] },
              valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-attended' }] },
            },
          ],
        },
      ],
      3,
    );
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    await valid(completed.body);
    // Do-not-contact and the coded reasons survive the lifecycle.
    expect(await referrals().findOne({ _id: rid as never })).toMatchObject({
      status: 'completed',
      doNotContact: true,
      needs: ['sp-need-loneliness', '422650009'],
    });
  });

  it('keeps a SNOMED CT need the mapping cannot map, and matches it where a service lists it', async () => {
    const rid = await refer({
      serviceId: null,
      conditionCode: TRANSPORT_TOO_EXPENSIVE,
      category: 'transportation-insecurity',
    });
    expect(await referrals().findOne({ _id: rid as never })).toMatchObject({
      needs: [TRANSPORT_TOO_EXPENSIVE.code],
    });
    const open = await fhir('vcsB', 'GET', '/fhir/Task?owner:missing=true&status=requested&_count=100');
    expect(open.status).toBe(200);
    expect(open.body.entry.map((e: Json) => e.resource.id)).toContain(rid);

    const claim = (who: string, serviceId: string) =>
      patch(
        who,
        `/fhir/Task/${rid}`,
        [
          { op: 'add', path: '/owner', value: { reference: `HealthcareService/${serviceId}` } },
          { op: 'replace', path: '/status', value: 'accepted' },
        ],
        1,
      );
    // The debt advice service meets none of the needs: its organisation neither sees the open
    // referral nor can claim it. The transport service lists the SNOMED CT concept: it can.
    const notOffered = await fhir('vcsC', 'GET', '/fhir/Task?owner:missing=true&status=requested&_count=100');
    expect(notOffered.body.entry.map((e: Json) => e.resource.id)).not.toContain(rid);
    const refused = await claim('vcsC', svc.c);
    expect([refused.status, refused.body.issue[0].code]).toEqual([404, 'not-found']);
    const claimed = await claim('vcsB', svc.b);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'accepted', owner: { identifier: { value: org.vcsB } } });
  });

  it('refuses what it cannot process, one OperationOutcome issue per element, and stores nothing', async () => {
    const sent = await bundle({ serviceId: svc.a, category: 'transportation-insecurity' });
    const sr = sent.entry[1].resource;
    const condition = sent.entry[2].resource;
    condition.code = { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'Z59.82' }] };
    sr.supportingInfo = [sr.supportingInfo[0]]; // the Goal is no longer referenced
    sr.reasonReference.push({ reference: 'Condition/held-elsewhere' });
    sr.category.push({ coding: [{ system: SDOHCC, code: 'sdoh-category-unspecified' }] });
    const identifier = sr.identifier[0].value as string;

    const res = await fhir('gp', 'POST', '/fhir', sent);
    expect(res.status).toBe(400);
    await valid(res.body);
    expect(res.body.issue.map((i: Json) => i.expression[0]).sort()).toEqual(
      [
        'Bundle.entry[1].resource.reasonCode',
        'Bundle.entry[1].resource.reasonReference[1]',
        'Bundle.entry[3].resource',
      ].sort(),
    );
    expect(await referrals().countDocuments({ 'identifiers.value': identifier })).toBe(0);
  });

  it('publishes the derived need codes only: no patient details, Condition or Goal text in any event', async () => {
    const wanted = new Set(created);
    expect(wanted.size).toBeGreaterThanOrEqual(3);
    const kafka = new Kafka({
      clientId: `reader-${run}`,
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('gravity-reader') });
    const values: string[] = [];
    const submitted = new Map<string, Json>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.referralLifecycle.name, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (!wanted.has(key)) return;
          const value = message.value?.toString() ?? '';
          values.push(value, JSON.stringify(message.headers ?? {}));
          if (String(message.headers?.['ce_type'] ?? '').includes('.referral.submitted.'))
            submitted.set(key, JSON.parse(value) as Json);
        },
      });
      await waitFor(() => submitted.size === wanted.size, {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: 'referral.submitted of every referral of this spec',
      });
    } finally {
      await consumer.disconnect();
    }
    const needs = [...submitted.values()].map((data) => data.needs);
    expect(needs).toContainEqual(['sp-need-loneliness', '422650009']);
    expect(needs).toContainEqual([TRANSPORT_TOO_EXPENSIVE.code]);
    const bytes = values.join('\n');
    for (const text of [
      '9434765919',
      '9458073022',
      'Smith',
      '1950-04-02',
      'Meets friends',
      'Social isolation',
      'Transport too expensive',
    ])
      expect({ text, inEvents: bytes.includes(text) }).toEqual({ text, inEvents: false });
  });
});
