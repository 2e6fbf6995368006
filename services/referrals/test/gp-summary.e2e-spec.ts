/**
 * The message back to the GP on the real stack (Kafka, MongoDB, Redis): every way a referral
 * closes (JSON API, FHIR Task update, the response deadline, an onward referral closing) issues one
 * coded summary, readable by the referring practice as a FHIR Communication at /fhir, hidden (404)
 * from anyone else, audited, valid R4 for both validators (Medplum's in-process, HAPI's), and
 * announced by one `referral.gp-summary-issued` event carrying ids and codes only. Two instances of the service share one database and consumer group, as
 * production runs them; a third, with a deadline of seconds, lets referrals expire.
 */
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { expectValidFhir, expectValidFhirByHapi, testInfra, uniqueName, waitFor } from '@sp/testing';
import { IssueGpSummaryUseCase } from '../src/gp-summary/issue-gp-summary/issue-gp-summary.use-case';
import {
  bootReferrals,
  DirectoryFeed,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type TokenServer,
} from './support';

const { run, id } = testRun('gps');
const ISSUER = 'http://gp-summary-e2e.test';
const REASON_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/referral-status-reason';
const OUTCOME_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/referral-outcome';
const SNOMED = 'http://snomed.info/sct';
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';
const GP_SUMMARY_TYPE = 'org.socialprescribing.referral.gp-summary-issued.v1';

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { lw: id('svc-lw'), a: id('svc-a') };

const patient = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};

function intake(targetServiceId: string): Record<string, unknown> {
  return {
    patient,
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
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('message back to the GP (FHIR Communication) end to end', () => {
  let tokenServer: TokenServer;
  let appA: INestApplication;
  let appB: INestApplication;
  let short: INestApplication;
  const urls = { a: '', b: '', short: '' };
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  const db = `test_${run}_referrals`;
  const shortDb = `test_${run}_referrals_short`;
  /** Every referral closed by this spec, and the database it lives in. */
  const closed = new Map<string, string>();

  const call = (base: string, who: string, method: string, path: string, body?: unknown, headers = {}) =>
    send(`${base}${path}`, { method, token: tokens[who], body, headers });
  const fhir = (base: string, who: string, method: string, path: string, body?: unknown, headers = {}) =>
    send(`${base}${path}`, {
      method,
      token: tokens[who],
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });

  async function refer(base: string, serviceId: string): Promise<string> {
    const created = await call(base, 'gp', 'POST', '/v1/referrals', intake(serviceId));
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function move(base: string, who: string, rid: string, action: string, body: unknown = {}) {
    const reply = await call(base, who, 'POST', `/v1/referrals/${rid}/${action}`, body);
    expect(reply.status).toBe(200);
    return reply;
  }

  /** The summary of `rid` as the practice finds it by search (waits for it to be issued). */
  async function summaryOf(base: string, rid: string, who = 'gp'): Promise<Json> {
    return waitFor(
      async () => {
        const found = await fhir(base, who, 'GET', `/fhir/Communication?based-on=ServiceRequest/${rid}`);
        expect(found.status).toBe(200);
        return found.body.total === 1 ? found.body.entry[0].resource : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: `GP summary of ${rid}` },
    );
  }

  const codes = (communication: Json, system: string): string[] =>
    (communication.reasonCode as Json[])
      .flatMap((c) => c.coding as Json[])
      .filter((c) => c.system === system)
      .map((c) => c.code as string);

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    ({ app: appA, url: urls.a } = await bootReferrals(db, tokenServer));
    ({ app: appB, url: urls.b } = await bootReferrals(db, tokenServer));
    ({ app: short, url: urls.short } = await bootReferrals(shortDb, tokenServer, {
      RESPONSE_DEADLINE_HOURS: String(4 / 3600),
      REMINDER_BEFORE_DEADLINE_HOURS: String(2 / 3600),
    }));
    await new DirectoryFeed(run)
      .organisation(org.lw)
      .organisation(org.vcsA)
      .service(svc.lw, org.lw, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.a, org.vcsA)
      .publish();
    for (const d of [db, shortDb])
      await waitForReplica(mongo, d, {
        services: [svc.lw, svc.a],
        verifiedOrganisations: [org.lw, org.vcsA],
      });
  }, 240_000);

  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await short?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('completed (JSON API): the practice reads a coded Communication; the closing service may too; others get 404', async () => {
    const rid = await refer(urls.a, svc.a);
    await move(urls.a, 'vcsA', rid, 'accept');
    await move(urls.b, 'vcsA', rid, 'start');
    await move(urls.a, 'vcsA', rid, 'complete', {
      outcome: { codes: ['sp-outcome-attended'], note: 'Joined the Tuesday group' },
    });
    closed.set(rid, db);

    const communication = await summaryOf(urls.b, rid);
    expectValidFhir(communication);
    await expectValidFhirByHapi(communication);
    expect(communication).toMatchObject({
      resourceType: 'Communication',
      status: 'completed',
      basedOn: [{ reference: `ServiceRequest/${rid}` }],
      about: [{ reference: `Task/${rid}` }],
      subject: { reference: '#patient' },
      recipient: [{ identifier: { system: ODS, value: 'A81001' } }],
      sender: { identifier: { value: org.vcsA } },
      topic: { coding: [{ system: SNOMED, code: '871731000000106' }] },
      category: [{ coding: [{ code: 'notification' }] }],
    });
    expect(communication.contained).toEqual([
      expect.objectContaining({
        resourceType: 'Patient',
        id: 'patient',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: patient.nhsNumber }],
        birthDate: patient.birthDate,
      }),
    ]);
    expect(codes(communication, SNOMED)).toEqual(['871731000000106']);
    expect(codes(communication, OUTCOME_SYSTEM)).toEqual(['sp-outcome-attended']);
    expect(communication.payload[0].contentString).toContain('Joined the Tuesday group');
    expect(communication.payload.slice(1)).toEqual([
      { contentReference: { reference: `Task/${rid}` } },
      { contentReference: expect.objectContaining({ reference: `HealthcareService/${svc.a}` }) },
    ]);

    const path = `/fhir/Communication/${communication.id}`;
    const read = await fhir(urls.a, 'gp', 'GET', path);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/fhir+json');
    expect(read.body).toEqual(communication);
    expect((await fhir(urls.a, 'vcsA', 'GET', path)).status).toBe(200);
    for (const stranger of ['otherGp', 'vcsB', 'lw']) {
      const refused = await fhir(urls.a, stranger, 'GET', path);
      expect(refused.status).toBe(404);
      expect(refused.body.resourceType).toBe('OperationOutcome');
      const searched = await fhir(
        urls.a,
        stranger,
        'GET',
        `/fhir/Communication?based-on=ServiceRequest/${rid}`,
      );
      expect(searched.body.total).toBe(0);
    }

    const audit = await mongo
      .db(db)
      .collection('audit_log')
      .find({ referralId: rid, action: { $regex: '^referral\\.gp-summary' } })
      .toArray();
    const seen = audit.map((a) => [a['action'], a['organisationId'], a['outcome']]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['referral.gp-summary-issued', 'platform', 'allowed'],
        ['referral.gp-summary.read', org.gp, 'allowed'],
        ['referral.gp-summary.read', org.vcsA, 'allowed'],
        ['referral.gp-summary.read', org.otherGp, 'denied'],
        ['referral.gp-summary.search', org.gp, 'allowed'],
      ]),
    );
  });

  it('rejected through a FHIR Task update because the patient declined: "Social prescribing declined"', async () => {
    const rid = await refer(urls.a, svc.a);
    const rejected = await fhir(
      urls.b,
      'vcsA',
      'PATCH',
      `/fhir/Task/${rid}`,
      [
        { op: 'replace', path: '/status', value: 'rejected' },
        {
          op: 'add',
          path: '/statusReason',
          value: { coding: [{ system: REASON_SYSTEM, code: 'patient-declined' }] },
        },
      ],
      { 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' },
    );
    expect(rejected.status).toBe(200);
    closed.set(rid, db);
    const communication = await summaryOf(urls.a, rid);
    expectValidFhir(communication);
    await expectValidFhirByHapi(communication);
    expect(codes(communication, SNOMED)).toEqual(['871711000000103']);
    expect(codes(communication, REASON_SYSTEM)).toEqual(['patient-declined']);
    expect(codes(communication, OUTCOME_SYSTEM)).toEqual([]);
  });

  it('cancelled by the practice and failed by the service: each gets its summary with the coded reason', async () => {
    const cancelledId = await refer(urls.a, svc.a);
    await move(urls.b, 'gp', cancelledId, 'cancel', { reason: { code: 'referred-elsewhere' } });
    const failedId = await refer(urls.a, svc.a);
    await move(urls.a, 'vcsA', failedId, 'accept');
    await move(urls.b, 'vcsA', failedId, 'fail', { reason: { code: 'unable-to-contact' } });
    closed.set(cancelledId, db).set(failedId, db);

    const cancelled = await summaryOf(urls.a, cancelledId);
    expectValidFhir(cancelled);
    await expectValidFhirByHapi(cancelled);
    expect(cancelled.sender).toMatchObject({ identifier: { value: org.gp } });
    expect(codes(cancelled, REASON_SYSTEM)).toEqual(['referred-elsewhere']);
    expect(codes(cancelled, SNOMED)).toEqual(['871731000000106']);
    // The receiving service had the referral: it may read the summary too.
    expect((await fhir(urls.a, 'vcsA', 'GET', `/fhir/Communication/${cancelled.id}`)).status).toBe(200);

    const failed = await summaryOf(urls.b, failedId);
    expectValidFhir(failed);
    await expectValidFhirByHapi(failed);
    expect(codes(failed, REASON_SYSTEM)).toEqual(['unable-to-contact']);
    expect(failed.payload[0].contentString).toContain('ended without the support being delivered');
  });

  it('expired by the deadline worker: a summary closed by the platform, without a sender', async () => {
    const rid = await refer(urls.short, svc.a);
    closed.set(rid, shortDb);
    const communication = await summaryOf(urls.short, rid);
    expectValidFhir(communication);
    await expectValidFhirByHapi(communication);
    expect(communication.sender).toBeUndefined();
    expect(codes(communication, REASON_SYSTEM)).toEqual(['no-response']);
    expect(communication.payload[0].contentString).toContain('nobody answered before the response deadline');
    // The service that did not answer may read it; another practice may not.
    expect((await fhir(urls.short, 'vcsA', 'GET', `/fhir/Communication/${communication.id}`)).status).toBe(
      200,
    );
    expect((await fhir(urls.short, 'otherGp', 'GET', `/fhir/Communication/${communication.id}`)).status).toBe(
      404,
    );
  });

  it('an onward referral closing: the summary goes to the practice that made the root referral', async () => {
    const parent = await refer(urls.a, svc.lw);
    await move(urls.a, 'lw', parent, 'accept');
    const onward = await call(urls.b, 'lw', 'POST', `/v1/referrals/${parent}/onward`, {
      targets: [{ targetServiceId: svc.a }],
    });
    expect(onward.status).toBe(201);
    const child = onward.body.children[0].id as string;
    await move(urls.a, 'vcsA', child, 'reject', { reason: { code: 'no-capacity' } });
    closed.set(child, db);

    const communication = await summaryOf(urls.a, child);
    expectValidFhir(communication);
    await expectValidFhirByHapi(communication);
    expect(communication.recipient).toEqual([{ identifier: { system: ODS, value: 'A81001' } }]);
    expect(communication.about).toEqual([
      { reference: `Task/${child}` },
      { reference: `ServiceRequest/${parent}` },
    ]);
    expect(codes(communication, REASON_SYSTEM)).toEqual(['no-capacity']);
    const byRecipient = await fhir(
      urls.a,
      'gp',
      'GET',
      `/fhir/Communication?recipient:identifier=${encodeURIComponent(`${ODS}|A81001`)}&_count=100`,
    );
    expect(byRecipient.body.entry.map((e: Json) => e.resource.id)).toContain(communication.id);
    // The parent is still open: no summary for it yet.
    expect(
      (await fhir(urls.a, 'gp', 'GET', `/fhir/Communication?based-on=ServiceRequest/${parent}`)).body.total,
    ).toBe(0);
  });

  it('bad search parameters are a 400 OperationOutcome naming each one', async () => {
    const bad = await fhir(
      urls.a,
      'gp',
      'GET',
      '/fhir/Communication?sender=Organization/x&_count=0&recipient:identifier=nope',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    const named = (bad.body.issue as Json[]).map((i) => (i.details.text as string).split(': ')[0]);
    expect(named).toEqual(['sender', 'recipient:identifier', '_count']);
  });

  it('exactly once: one summary and one event per closed referral across instances and redeliveries', async () => {
    // Two instances handle the same closing fact at the same moment (a rebalance, a redelivery).
    const rid = [...closed.keys()].find((k) => closed.get(k) === db)!;
    const stored = await mongo.db(db).collection('gp_summaries').findOne({ referralId: rid });
    expect(stored).not.toBeNull();
    const fact = {
      referralId: rid,
      version: stored!['referralVersion'] as number,
      toStatus: stored!['closingStatus'],
      expired: false,
      outcomeCodes: stored!['outcomeCodes'],
      closedBy: stored!['closedBy'],
      occurredAt: stored!['closedAt'],
    };
    const outcomes = await Promise.all([
      appA.get(IssueGpSummaryUseCase).execute(fact),
      appB.get(IssueGpSummaryUseCase).execute(fact),
    ]);
    expect(outcomes).toEqual(['already-issued', 'already-issued']);

    for (const [referralId, database] of closed)
      expect(await mongo.db(database).collection('gp_summaries').countDocuments({ referralId })).toBe(1);

    // What Kafka carried: one referral.gp-summary-issued per closed referral, ids and codes only.
    const kafka = new Kafka({
      clientId: `reader-${run}`,
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName('gp-summary-reader') });
    const events = new Map<string, Set<string>>();
    const bytes: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.referralLifecycle.name, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (!closed.has(key) || String(message.headers?.['ce_type'] ?? '') !== GP_SUMMARY_TYPE) return;
          // Publishing is at least once (consumers dedupe by event id): count distinct event ids.
          events.set(key, (events.get(key) ?? new Set()).add(String(message.headers?.['ce_id'] ?? '')));
          bytes.push(message.value?.toString() ?? '');
        },
      });
      await waitFor(() => events.size === closed.size, {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: 'a gp-summary-issued event for every closed referral',
      });
    } finally {
      await consumer.disconnect();
    }
    expect([...events.values()].map((ids) => ids.size)).toEqual([...closed.keys()].map(() => 1));
    const all = bytes.join('\n');
    for (const identifier of [patient.nhsNumber, patient.givenName, patient.familyName, patient.birthDate])
      expect(all).not.toContain(identifier);
    expect(all).not.toContain('Tuesday group');
    const completed = bytes.map((b) => JSON.parse(b)).find((e) => e.closingStatus === 'completed');
    expect(completed).toMatchObject({
      recipientOdsCode: 'A81001',
      recipientOrganisationId: org.gp,
      recordCodes: ['871731000000106'],
      outcomeCodes: ['sp-outcome-attended'],
    });

    // The race itself: the summary not stored yet (deleted here), both instances handling the
    // closing event at once: exactly one issues it.
    await mongo.db(db).collection('gp_summaries').deleteOne({ referralId: rid });
    const raced = await Promise.all([
      appA.get(IssueGpSummaryUseCase).execute(fact),
      appB.get(IssueGpSummaryUseCase).execute(fact),
    ]);
    expect([...raced].sort()).toEqual(['already-issued', 'issued']);
    expect(await mongo.db(db).collection('gp_summaries').countDocuments({ referralId: rid })).toBe(1);
  });
});
