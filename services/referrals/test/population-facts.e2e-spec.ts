/**
 * Population facts on the real stack (Kafka, MongoDB replica set, Redis): the deprivation table
 * imported by its CLI (re-runnable); a referral with sex, postcode and ethnic category (JSON and
 * FHIR) publishes referral.submitted v2 with its population codes and never the postcode; a
 * referral refused only because of its target service is recorded once per Idempotency-Key and
 * published as referral.refused v1, with the HTTP answer unchanged (422 naming the problem);
 * consent withdrawal removes the postcode and keeps the codes.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { testInfra, waitFor } from '@sp/testing';
import { ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM } from '../src/fhir/fhir.constants';
import { gravityBundle } from './fhir-fixtures';
import {
  bootReferrals,
  DirectoryFeed,
  readTopicFromNow,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type Reply,
  type TokenServer,
  type TopicRecord,
} from './support';

const ROOT = resolve(__dirname, '../../..');
const DATA = resolve(ROOT, 'infra/local/data/deprivation');
const CLI = resolve(ROOT, 'services/referrals/src/deprivation/import-deprivation/import-deprivation.cli.ts');

const { run, id } = testRun('population');
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
const svc = { lw: id('svc-lw'), full: id('svc-full') };
// Aged 49 or 50 whichever day the test runs: always the 45-54 band.
const BIRTH_DATE = `${new Date().getUTCFullYear() - 50}-01-01`;
const SUBMITTED_V2 = 'org.socialprescribing.referral.submitted.v2';
const REFUSED_V1 = 'org.socialprescribing.referral.refused.v1';

interface ImportReport {
  imd: { lsoas: number };
  postcodes: { rowsRead: number; created: number; updated: number; unchanged: number; skipped: object };
}

/** `npm run deprivation:import` into this spec's database, as an operator runs it. */
async function importDeprivation(): Promise<ImportReport> {
  const { stdout } = await promisify(execFile)(
    resolve(ROOT, 'node_modules/.bin/tsx'),
    [
      CLI,
      '--postcodes',
      `${DATA}/ONSPD_sample.csv`,
      '--imd',
      `${DATA}/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv`,
    ],
    { cwd: ROOT, env: { ...process.env, MONGO_URL: testInfra.mongoUrlFor(db) }, timeout: 60_000 },
  );
  return JSON.parse(stdout.trim()) as ImportReport;
}

describe('population facts: deprivation table, referral.submitted v2, referral.refused v1', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let reader: Consumer;
  let firstImport: ImportReport;
  const lifecycle: TopicRecord[] = [];
  let tokens: Record<string, string>;

  const api = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    send(`${base}${path}`, { method: 'POST', token: tokens['gp'], body, headers });
  const fhir = (body: unknown): Promise<Reply> =>
    send(`${base}/fhir`, {
      method: 'POST',
      token: tokens['gp'],
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json' },
    });
  const stored = (rid: string) =>
    mongo
      .db(db)
      .collection('referrals')
      .findOne({ _id: rid as never });
  const refusalsOn = () =>
    lifecycle.filter((r) => r.type === REFUSED_V1 && r.data['targetServiceId'] === svc.full);

  const intake = (patient: Record<string, unknown>, targetServiceId = svc.lw) => ({
    patient: {
      nhsNumber: '9434765919',
      givenName: 'Ada',
      familyName: 'Lovelace',
      birthDate: BIRTH_DATE,
      ...patient,
    },
    requesterOdsCode: 'A81001',
    targetServiceId,
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    consent: {
      given: true,
      recordedBy: 'Dr Jones',
      recordedAt: new Date(Date.now() - 60_000).toISOString(),
      scope: 'share-with-receiving-service',
    },
  });

  beforeAll(async () => {
    tokenServer = await startTokenServer(`http://referrals-${run}.test`);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    firstImport = await importDeprivation();
    reader = await readTopicFromNow(Topics.referralLifecycle.name, lifecycle);
    ({ app, url: base } = await bootReferrals(db, tokenServer));
    await new DirectoryFeed(run)
      .organisation(org.lw)
      .organisation(org.vcsA)
      .service(svc.lw, org.lw)
      .service(svc.full, org.vcsA)
      .noCapacity(svc.full, org.vcsA)
      .publish();
    await waitForReplica(mongo, db, {
      services: [svc.lw, svc.full],
      verifiedOrganisations: [org.lw, org.vcsA],
      noCapacityServices: [svc.full],
    });
  }, 240_000);

  afterAll(async () => {
    await reader?.disconnect();
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('imports the deprivation table with its CLI, and a second run changes nothing', async () => {
    const skipped = { bad_postcode: 0, no_lsoa: 1, not_in_imd: 1, malformed: 0 };
    expect(firstImport).toEqual({
      imd: { rowsRead: 54, lsoas: 54, skipped: { malformed: 0 } },
      postcodes: { rowsRead: 58, created: 56, updated: 0, unchanged: 0, skipped },
    });
    expect((await importDeprivation()).postcodes).toEqual({
      rowsRead: 58,
      created: 0,
      updated: 0,
      unchanged: 56,
      skipped,
    });
    const table = mongo.db(db).collection('deprivation_postcodes');
    expect(await table.countDocuments()).toBe(56);
    expect(await table.findOne({ _id: 'TS11AA' as never })).toMatchObject({
      postcode: 'TS1 1AA',
      imdDecile: 1,
    });
  });

  it('publishes referral.submitted v2 with the population codes of a JSON referral, and never its postcode', async () => {
    const created = await api(
      '/v1/referrals',
      intake({ sex: 'female', postcode: 'ts1 1aa', ethnicCategory: 'H' }),
    );
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    expect(created.body.patient).toMatchObject({ sex: 'female', postcode: 'TS1 1AA', ethnicCategory: 'H' });
    const population = { ageBand: '45-54', sex: 'female', imdDecile: 1, ethnicCategory: 'H' };
    const doc = await stored(rid);
    expect(doc?.['population']).toEqual(population);

    const event = await waitFor(
      () => lifecycle.find((r) => r.type === SUBMITTED_V2 && r.data['referralId'] === rid),
      {
        description: 'referral.submitted v2',
      },
    );
    expect(event.data).toMatchObject({ population, respondBy: (doc?.['respondBy'] as Date).toISOString() });
    for (const record of lifecycle.filter((r) => r.raw.includes(rid))) {
      const raw = record.raw.toUpperCase();
      for (const identifier of ['TS1 1AA', 'TS11AA', '9434765919', 'LOVELACE', BIRTH_DATE])
        expect(raw).not.toContain(identifier);
    }

    // A postcode the table does not know: no decile, the rest as given; no sex given: unknown.
    const unknown = await api('/v1/referrals', intake({ postcode: 'CF10 1AA' }));
    expect(unknown.status).toBe(201);
    const other = await waitFor(
      () => lifecycle.find((r) => r.type === SUBMITTED_V2 && r.data['referralId'] === unknown.body.id),
      { description: 'referral.submitted v2 without a decile' },
    );
    expect(other.data['population']).toEqual({ ageBand: '45-54', sex: 'unknown' });

    // Consent withdrawal removes the postcode (address data) and keeps the codes.
    expect((await api(`/v1/referrals/${rid}/consent-withdrawal`, {})).status).toBe(200);
    const withdrawn = await stored(rid);
    expect(withdrawn?.['patient']).not.toHaveProperty('postcode');
    expect(withdrawn?.['patient']).toMatchObject({ sex: 'female', ethnicCategory: 'H' });
    expect(withdrawn?.['population']).toEqual(population);
  });

  it('reads the demographics of a FHIR referral into the same codes', async () => {
    const bundle = gravityBundle({ serviceId: svc.lw, identifier: id('fhir-pop') });
    bundle['entry'][3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    Object.assign(bundle['entry'][0].resource, {
      birthDate: BIRTH_DATE,
      gender: 'male',
      address: [{ use: 'home', postalCode: 'TS18 1AA' }],
      extension: [
        {
          url: ETHNIC_CATEGORY_EXTENSION,
          valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code: 'N' }] },
        },
      ],
    });
    bundle['entry'][1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    const created = await fhir(bundle);
    expect(created.status).toBe(200);
    const rid = (created.body.entry[1].response.location as string).split('/')[1] as string;
    const event = await waitFor(
      () => lifecycle.find((r) => r.type === SUBMITTED_V2 && r.data['referralId'] === rid),
      {
        description: 'referral.submitted v2 (FHIR)',
      },
    );
    expect(event.data['population']).toEqual({
      ageBand: '45-54',
      sex: 'male',
      imdDecile: 4,
      ethnicCategory: 'N',
    });
    expect(event.raw.toUpperCase()).not.toContain('TS18');
  });

  it('records a referral refused for its target service once per Idempotency-Key and publishes referral.refused', async () => {
    const body = intake({ sex: 'male', postcode: 'TS5 6AA' }, svc.full);
    const key = `${run}-refused`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await api('/v1/referrals', body, { 'idempotency-key': key });
      expect(refused.status).toBe(422);
      expect(
        (refused.body.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`),
      ).toEqual(['targetServiceId:no_capacity']);
    }
    // Over FHIR, without a conditional create: a refusal of its own.
    const bundle = gravityBundle({ serviceId: svc.full, identifier: id('fhir-refused') });
    bundle['entry'][3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    bundle['entry'][1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    const viaFhir = await fhir(bundle);
    expect(viaFhir.status).toBe(422);
    expect(viaFhir.body.resourceType).toBe('OperationOutcome');

    // Two refusals stored (the retry is the first one), both published, and nothing else.
    const refusals = mongo.db(db).collection('intake_refusals');
    expect(await refusals.countDocuments({ targetServiceId: svc.full })).toBe(2);
    await waitFor(
      async () => (await refusals.countDocuments({ targetServiceId: svc.full, outboxPending: true })) === 0,
      { description: 'refusals published by the relay' },
    );
    const events = await waitFor(() => (refusalsOn().length >= 2 ? refusalsOn() : undefined), {
      description: 'two referral.refused events',
    });
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.data['refusalId'])).size).toBe(2);
    const keyed = events.find((e) => (e.data['population'] as { sex: string }).sex === 'male');
    expect(keyed?.data).toMatchObject({
      requesterOrganisationId: org.gp,
      requesterOdsCode: 'A81001',
      targetServiceId: svc.full,
      ownerOrganisationId: org.vcsA,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      reasonCodes: ['no-capacity'],
      population: { ageBand: '45-54', sex: 'male', imdDecile: 3 },
    });
    for (const event of events) {
      const raw = event.raw.toUpperCase();
      for (const identifier of [
        '9434765919',
        'LOVELACE',
        'SMITH',
        BIRTH_DATE,
        'TS5 6AA',
        'TS56AA',
        key.toUpperCase(),
      ])
        expect(raw).not.toContain(identifier);
    }
    // No referral was created.
    expect(await mongo.db(db).collection('referrals').countDocuments({ targetServiceId: svc.full })).toBe(0);
  });
});
