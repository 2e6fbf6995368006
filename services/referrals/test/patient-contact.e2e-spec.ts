/**
 * Patient contact details on the real stack (Kafka, MongoDB replica set, Redis): a UK mobile and
 * an email taken at intake (JSON `patient.telecom`, FHIR Patient.telecom), validated with one
 * problem per bad value, never on the lifecycle topic; read only by the notifications service
 * through GET /internal/v1/referrals/{id}/patient-contact (everyone else 403), every read audited
 * with its purpose; removed on consent withdrawal.
 */
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { testInfra, waitFor } from '@sp/testing';
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

const { run, id } = testRun('pcontact');
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
const svc = { lw: id('svc-lw') };
const MOBILE = '07700 900456';
const MOBILE_E164 = '+447700900456';
const EMAIL = `patient-${run}@example.org`;

describe('patient contact details: intake, internal API, audit, redaction', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let base = '';
  let mongo: MongoClient;
  let reader: Consumer;
  const lifecycle: TopicRecord[] = [];
  let tokens: Record<string, string>;

  const api = (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<Reply> =>
    send(`${base}${path}`, { method, token: tokens[who], body, ...(contentType ? { contentType } : {}) });
  const contactOf = (who: string, rid: string, purpose = 'patient-notification') =>
    api(who, 'GET', `/internal/v1/referrals/${rid}/patient-contact${purpose ? `?purpose=${purpose}` : ''}`);
  const stored = (rid: string) =>
    mongo
      .db(db)
      .collection('referrals')
      .findOne({ _id: rid as never });
  const audits = (rid: string) =>
    mongo
      .db(db)
      .collection('audit_log')
      .find({ referralId: rid, action: 'referral.patient-contact.read' })
      .toArray();

  const intake = (telecom?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    patient: {
      nhsNumber: '9434765919',
      givenName: 'Ada',
      familyName: 'Lovelace',
      birthDate: '1950-12-10',
      ...(telecom ? { telecom } : {}),
    },
    requesterOdsCode: 'A81001',
    targetServiceId: svc.lw,
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    consent: {
      given: true,
      recordedBy: 'Dr Jones',
      recordedAt: new Date().toISOString(),
      scope: 'share-with-receiving-service',
    },
    ...extra,
  });

  beforeAll(async () => {
    tokenServer = await startTokenServer(`http://referrals-${run}.test`);
    tokens = await tokenServer.tokensFor({
      ...testPrincipals(org),
      notifications: { clientId: 'notifications', organisationId: org.ops, role: 'ops', scopes: ['ops'] },
      otherComponent: { clientId: 'analytics', organisationId: org.ops, role: 'ops', scopes: ['ops'] },
    });
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    reader = await readTopicFromNow(Topics.referralLifecycle.name, lifecycle);
    ({ app, url: base } = await bootReferrals(db, tokenServer));
    await new DirectoryFeed(run)
      .organisation(org.lw)
      .service(svc.lw, org.lw, { taxonomyTermIds: ['sp-need-loneliness'] })
      .publish();
    await waitForReplica(mongo, db, { services: [svc.lw], verifiedOrganisations: [org.lw] });
  }, 240_000);

  afterAll(async () => {
    await reader?.disconnect();
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('keeps the mobile (E.164) and email given at intake, and gives them to the notifications service only', async () => {
    const created = await api('gp', 'POST', '/v1/referrals', intake({ mobile: MOBILE, email: EMAIL }));
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    expect((await stored(rid))?.['patientContact']).toEqual({ mobilePhone: MOBILE_E164, email: EMAIL });

    const read = await contactOf('notifications', rid);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      referralId: rid,
      phone: MOBILE_E164,
      email: EMAIL,
      doNotContact: false,
      consent: 'given',
    });

    // Everyone else: 403, whatever their role or relation to the referral (even ops, even the referrer).
    for (const who of ['gp', 'lw', 'ops', 'otherComponent']) {
      const refused = await contactOf(who, rid);
      expect({ who, status: refused.status }).toEqual({ who, status: 403 });
      expect(JSON.stringify(refused.body)).not.toContain('900456');
    }
    expect(
      (
        await send(`${base}/internal/v1/referrals/${rid}/patient-contact?purpose=patient-notification`, {
          method: 'GET',
        })
      ).status,
    ).toBe(401);
    // The purpose is required and checked.
    expect((await contactOf('notifications', rid, '')).status).toBe(400);
    expect((await contactOf('notifications', rid, 'marketing')).status).toBe(400);
    expect((await contactOf('notifications', id('no-such-referral'))).status).toBe(404);

    // Every read is audited: who, which referral, why, and the outcome.
    const entries = await waitFor(async () => {
      const found = await audits(rid);
      return found.length >= 5 ? found : undefined;
    });
    expect(entries.map((e) => [e['actor'].clientId, e['purpose'], e['outcome']])).toEqual([
      ['notifications', 'patient-notification', 'allowed'],
      ['gp', 'patient-notification', 'refused'],
      ['lw', 'patient-notification', 'refused'],
      ['ops', 'patient-notification', 'refused'],
      ['analytics', 'patient-notification', 'refused'],
    ]);

    // Never on Kafka.
    await waitFor(() => lifecycle.some((r) => r.raw.includes(rid)), { description: 'referral.submitted' });
    const ofReferral = lifecycle.filter((r) => r.raw.includes(rid));
    for (const record of ofReferral) {
      expect(record.raw).not.toContain('900456');
      expect(record.raw).not.toContain(EMAIL);
    }
  });

  it('refuses bad contact details at intake, naming each field, and stores nothing', async () => {
    const bad = await api(
      'gp',
      'POST',
      '/v1/referrals',
      intake({ mobile: '01632 960001', email: 'not-an-address' }, { priority: 'whenever' }),
    );
    expect(bad.status).toBe(400);
    // One answer names every bad field (the priority union may report its field more than once).
    const fields = [...new Set((bad.body.errors as { field: string }[]).map((e) => e.field))].sort();
    expect(fields).toEqual(['patient.telecom.email', 'patient.telecom.mobile', 'priority']);
    const extra = await api('gp', 'POST', '/v1/referrals', intake({ landline: '01632 960001' }));
    expect(extra.status).toBe(400);
    expect((extra.body.errors as { field: string }[]).map((e) => e.field)).toEqual([
      'patient.telecom.landline',
    ]);
    expect(
      await mongo.db(db).collection('referrals').countDocuments({ 'patientContact.email': 'not-an-address' }),
    ).toBe(0);
  });

  it('reads Patient.telecom (mobile, email) and the Gravity do-not-contact flag over FHIR; refuses a bad mobile with its FHIRPath', async () => {
    const bundle = gravityBundle({ serviceId: svc.lw, identifier: id('fhir-ref') });
    bundle['entry'][3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
    bundle['entry'][1].resource.reasonCode = [
      {
        coding: [
          { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
        ],
      },
    ];
    bundle['entry'][0].resource.telecom = [
      { system: 'phone', value: '01632 960001', use: 'home' },
      { system: 'phone', value: '+44 7700 900457', use: 'mobile' },
      { system: 'email', value: EMAIL },
    ];
    const created = await send(`${base}/fhir`, {
      method: 'POST',
      token: tokens['gp'],
      body: bundle,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json' },
    });
    expect(created.status).toBe(200);
    const rid = (created.body.entry[1].response.location as string).split('/')[1] as string;
    const read = await contactOf('notifications', rid);
    // The fixture carries Gravity's contacting-subject-prohibited: the flag travels with the details.
    expect(read.body).toEqual({
      referralId: rid,
      phone: '+447700900457',
      email: EMAIL,
      doNotContact: true,
      consent: 'given',
    });

    const bad = gravityBundle({ serviceId: svc.lw, identifier: id('fhir-bad') });
    bad['entry'][0].resource.telecom = [{ system: 'phone', value: '01632 960001', use: 'mobile' }];
    const refused = await send(`${base}/fhir`, {
      method: 'POST',
      token: tokens['gp'],
      body: bad,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    const expressions = (refused.body.issue as { expression?: string[] }[]).flatMap(
      (i) => i.expression ?? [],
    );
    expect(expressions).toContain('Bundle.entry[0].resource.telecom[0].value');
  });

  it('removes the contact details on consent withdrawal; the API then says withdrawn and gives none', async () => {
    const created = await api('gp', 'POST', '/v1/referrals', intake({ mobile: MOBILE }));
    const rid = created.body.id as string;
    const withdrawn = await api('gp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`, {});
    expect(withdrawn.status).toBe(200);
    expect((await stored(rid))?.['patientContact']).toBeUndefined();
    const read = await contactOf('notifications', rid);
    expect(read.body).toEqual({ referralId: rid, doNotContact: false, consent: 'withdrawn' });
  });
});
