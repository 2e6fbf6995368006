import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { Topics } from '@sp/contracts';
import { createOidcPerson, localOidcIssuersEnv, oidcSignIn, testInfra } from '@sp/testing';
import { DirectoryFeed, waitForReplica } from './directory-feed';
import { send, type Reply } from './http';
import { bootReferrals, testRun } from './referrals-app';
import { startTokenServer, testPrincipals, type TestOrganisations, type TokenServer } from './tokens';
import { readTopicFromNow, type TopicRecord } from './topic-reader';

/** A stored document or a reply body, read loosely by the case-record specs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const CASE_RECORD_PATIENT = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};

/** Free text the case-record specs write; none of it may reach Kafka, nor survive consent withdrawal. */
export const CASE_TEXT = {
  voicemail: 'Left a voicemail on her landline at 10:05',
  reached: 'Talked about her garden and the Thursday choir',
  corrected: 'Talked about her garden, the choir and her sister in Leeds',
  note: 'Ada finds mornings hardest; her daughter visits on Sundays',
  noteEdited: 'Ada finds mornings hardest; daughter visits Sundays, neighbour Tuesdays',
  deleted: 'Wrong patient: written in error about somebody else',
  childNote: 'Met Ada at the befriending cafe, she wants a phone buddy',
};

export const DAY = 24 * 60 * 60 * 1000;
/** An instant `ms` from now, as ISO 8601. */
export const isoFromNow = (ms = 0): string => new Date(Date.now() + ms).toISOString();
/** A UK calendar day `days` from now (UTC date; two days of margin keep it clear of today's edge). */
export const dayFromNow = (days: number): string =>
  new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** The end of a UK day in winter (GMT): the tests use December dates only when the run is in winter. */
export const ukDayEnd = (day: string): string => {
  const end = new Date(`${day}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const summer = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' })
    .format(end)
    .includes('BST');
  return new Date(end.getTime() - (summer ? 3_600_000 : 0)).toISOString();
};

/** The problems of a 4xx reply (`errors` of its problem document; none when it has none). */
export const errorsOf = (reply: Reply): { field: string; code: string }[] =>
  (reply.body.errors ?? []) as { field: string; code: string }[];
/** The fields a 4xx reply names, sorted. */
export const errorFields = (reply: Reply): string[] =>
  (reply.body.errors as { field: string }[]).map((e) => e.field).sort();

/** People of the case-record specs, signed in at the local OIDC provider. */
const PEOPLE = {
  lead: { name: 'Chris Lead', teamRole: 'team-lead', organisation: 'lw', role: 'link-worker' },
  ali: { name: 'Ali Khan', teamRole: 'worker', organisation: 'lw', role: 'link-worker' },
  bea: { name: 'Bea Jones', teamRole: 'worker', organisation: 'lw', role: 'link-worker' },
  vic: { name: 'Vic Other', teamRole: 'team-lead', organisation: 'vcsA', role: 'provider' },
} as const;

export type CasePerson = keyof typeof PEOPLE;

export interface CaseRecordWorldOptions {
  /** People to sign in (the service then also trusts the local OIDC provider). */
  people?: CasePerson[];
  /** Read the lifecycle topic (into `lifecycle`) from before the service starts. */
  readLifecycle?: boolean;
  /** The link-worker service's listing in the directory (the feed's default otherwise). */
  lwListing?: Parameters<DirectoryFeed['service']>[2];
}

/**
 * The case-record specs' world on the real stack (Kafka, MongoDB replica set, Redis): one
 * instance of the referrals service trusting a test token server (API clients gp, otherGp, lw,
 * lw2, vcsA, vcsB, vcsC, ops) and, when the spec signs people in, the local OIDC provider; the
 * link-worker organisation (org.lw, service svc.lw) and a VCS organisation (org.vcsA, service
 * svc.a) in the directory; people of `options.people`: Chris Lead (team lead), Ali Khan and Bea
 * Jones (workers) of org.lw, Vic Other (team lead of org.vcsA).
 */
export class CaseRecordWorld {
  readonly run: string;
  readonly db: string;
  readonly org: TestOrganisations;
  readonly svc: { lw: string; a: string };
  /** Lifecycle records since the service started (with `readLifecycle`). */
  readonly lifecycle: TopicRecord[] = [];
  database!: Db;
  url = '';
  private app?: INestApplication;
  private mongo?: MongoClient;
  private tokenServer?: TokenServer;
  private reader?: Consumer;
  private tokens: Record<string, string> = {};
  private readonly people: Partial<Record<CasePerson, { token: string; sub: string }>> = {};

  constructor(
    prefix: string,
    private readonly options: CaseRecordWorldOptions = {},
  ) {
    const { run, id } = testRun(prefix);
    this.run = run;
    this.db = `test_${run}_referrals`;
    this.org = {
      gp: id('org-gp'),
      otherGp: id('org-gp-other'),
      lw: id('org-lw'),
      vcsA: id('org-vcs-a'),
      vcsB: id('org-vcs-b'),
      vcsC: id('org-vcs-c'),
      ops: id('org-platform'),
    };
    this.svc = { lw: id('svc-lw'), a: id('svc-a') };
  }

  async start(): Promise<void> {
    const { people = [], readLifecycle = false, lwListing } = this.options;
    this.tokenServer = await startTokenServer(`http://referrals-${this.run}.test`);
    this.tokens = await this.tokenServer.tokensFor({
      ...testPrincipals(this.org),
      lw2: { clientId: 'lw-2', organisationId: this.org.lw, role: 'link-worker', scopes: [] },
    });
    this.mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    this.database = this.mongo.db(this.db);
    if (readLifecycle) this.reader = await readTopicFromNow(Topics.referralLifecycle.name, this.lifecycle);
    const env: Record<string, string> = people.length > 0 ? { OIDC_ISSUERS: localOidcIssuersEnv() } : {};
    ({ app: this.app, url: this.url } = await bootReferrals(this.db, this.tokenServer, env));
    await new DirectoryFeed(this.run)
      .organisation(this.org.lw)
      .organisation(this.org.vcsA)
      .service(this.svc.lw, this.org.lw, lwListing)
      .service(this.svc.a, this.org.vcsA)
      .publish();
    await waitForReplica(this.mongo, this.db, {
      services: Object.values(this.svc),
      verifiedOrganisations: [this.org.lw, this.org.vcsA],
    });
    for (const key of people) {
      const { name, teamRole, organisation, role } = PEOPLE[key];
      const login = await createOidcPerson({ organisationId: this.org[organisation], role, teamRole, name });
      const signedIn = await oidcSignIn(login.username, login.password);
      if (signedIn.sub !== login.sub) throw new Error('the provider signed in someone else');
      this.people[key] = { token: signedIn.accessToken, sub: signedIn.sub };
    }
  }

  async stop(): Promise<void> {
    await this.reader?.disconnect();
    await this.app?.close();
    await this.mongo?.close();
    await this.tokenServer?.close();
  }

  /** The token of a person (signed in at the local OIDC provider) or an API client (gp, lw...). */
  tokenOf = (who: string): string | undefined =>
    who in this.people ? this.people[who as CasePerson]?.token : this.tokens[who];

  sub = (who: CasePerson): string => {
    const person = this.people[who];
    if (!person) throw new Error(`${who} is not signed in in this spec`);
    return person.sub;
  };

  /** One call to the service's API as a person or an API client. */
  api = (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => send(`${this.url}${path}`, { method, token: this.tokenOf(who), body, headers });

  /** One FHIR read or search (accepting application/fhir+json). */
  fhir = (who: string, path: string): Promise<Reply> =>
    send(`${this.url}/fhir${path}`, {
      method: 'GET',
      token: this.tokenOf(who),
      headers: { accept: 'application/fhir+json' },
    });

  contact = (who: string, rid: string, body: Record<string, unknown>): Promise<Reply> =>
    this.api(who, 'POST', `/v1/referrals/${rid}/contacts`, body);

  /** The documents of a case-record collection for one referral. */
  stored = (collection: string, rid: string): Promise<Json[]> =>
    this.database.collection(collection).find({ referralId: rid }).toArray();

  count = (collection: string, rid: string): Promise<number> =>
    this.database.collection(collection).countDocuments({ referralId: rid });

  referralDoc = (rid: string): Promise<Json> =>
    this.database.collection('referrals').findOne({ _id: rid as never });

  /**
   * A referral from the practice (gp) to svc.lw, then each of `steps` (accept, start) by `by`
   * (an API client or a person of org.lw).
   */
  referral = async (by = 'lw', steps: ('accept' | 'start')[] = ['accept']): Promise<string> => {
    const created = await this.api('gp', 'POST', '/v1/referrals', {
      patient: CASE_RECORD_PATIENT,
      requesterOdsCode: 'A81001',
      targetServiceId: this.svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    for (const step of steps)
      expect((await this.api(by, 'POST', `/v1/referrals/${rid}/${step}`, {})).status).toBe(200);
    return rid;
  };
}
