import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { testInfra } from '@sp/testing';
import { gravityBundle } from '../fhir-fixtures';
import { DirectoryFeed, waitForReplica } from './directory-feed';
import { send, type Reply } from './http';
import { bootReferrals, testRun } from './referrals-app';
import { startTokenServer, testPrincipals, type TokenServer } from './tokens';

/**
 * The referrals service booted in-process on the real stack (as in fhir.e2e-spec.ts) with a small
 * directory: a practice (gp), another practice, link workers and three VCS organisations with one
 * service each (svc.a and svc.c meet loneliness, svc.b debt), ops; and the FHIR calls the Gravity
 * specs make. Each run isolates itself (database, consumer group, ids).
 */
export interface GravityNetwork {
  base: string;
  org: Record<'gp' | 'otherGp' | 'lw' | 'vcsA' | 'vcsB' | 'vcsC' | 'ops', string>;
  svc: Record<'lw' | 'a' | 'b' | 'c', string>;
  fhir(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  patch(who: string, rid: string, ops: unknown[], headers?: Record<string, string>): Promise<Reply>;
  /** A Gravity transaction from gp (loneliness) to `serviceId` (null: open); the referral id. */
  refer(serviceId: string | null, prefer?: string): Promise<{ rid: string; reply: Reply }>;
  /** A referral to svc.a, accepted and started by vcsA: ready to complete (version 3). */
  inProgress(): Promise<string>;
  readTask(who: string, rid: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** GET on the JSON API (`/v1/...`). */
  json(who: string, path: string): Promise<Reply>;
  /** The audit entries recorded against an id (read by ops). */
  audit(referralId: string): Promise<{ action: string; organisationId: string; outcome: string }[]>;
  close(): Promise<void>;
}

export async function startGravityNetwork(name: string): Promise<GravityNetwork> {
  const { run, id } = testRun(name);
  const db = `test_${run}_referrals_${name.replace(/[^a-z0-9]/gi, '_')}`;
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
  const tokenServer: TokenServer = await startTokenServer(`http://referrals-${name}-e2e.test`);
  const tokens: Record<string, string> = await tokenServer.tokensFor(testPrincipals(org));
  const mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
  let app: INestApplication | undefined;
  const close = async () => {
    await app?.close();
    await mongo.close();
    await tokenServer.close();
  };
  let base: string;
  try {
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
  } catch (err) {
    await close();
    throw err;
  }

  const fhir: GravityNetwork['fhir'] = (who, method, path, body, headers = {}) =>
    send(`${base}${path}`, {
      method,
      token: tokens[who],
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });
  const patch: GravityNetwork['patch'] = (who, rid, ops, headers = {}) =>
    fhir(who, 'PATCH', `/fhir/Task/${rid}`, ops, {
      'content-type': 'application/json-patch+json',
      ...headers,
    });
  const refer: GravityNetwork['refer'] = async (serviceId, prefer) => {
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
    if (reply.status !== 200)
      throw new Error(`referral refused: ${reply.status} ${JSON.stringify(reply.body)}`);
    const location = reply.body.entry[1].response.location as string;
    return { rid: location.split('/')[1] as string, reply };
  };
  const move = async (rid: string, status: string) => {
    const reply = await patch('vcsA', rid, [{ op: 'replace', path: '/status', value: status }]);
    if (reply.status !== 200)
      throw new Error(`${status} refused: ${reply.status} ${JSON.stringify(reply.body)}`);
  };
  return {
    base,
    org,
    svc,
    fhir,
    patch,
    refer,
    async inProgress() {
      const { rid } = await refer(svc.a);
      await move(rid, 'accepted');
      await move(rid, 'in-progress');
      return rid;
    },
    json: (who, path) => send(`${base}${path}`, { method: 'GET', token: tokens[who] }),
    readTask: async (who, rid) => (await fhir(who, 'GET', `/fhir/Task/${rid}`)).body,
    audit: async (referralId) =>
      (
        await send(`${base}/v1/audit?referralId=${encodeURIComponent(referralId)}&size=500`, {
          method: 'GET',
          token: tokens['ops'],
        })
      ).body.items,
    close,
  };
}
