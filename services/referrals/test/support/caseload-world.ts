import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { ensureTopics } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import {
  createOidcPerson,
  localOidcIssuersEnv,
  oidcSignIn,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import { DirectoryFeed, waitForReplica } from './directory-feed';
import { send, type Reply } from './http';
import { bootReferrals, testRun } from './referrals-app';
import { startTokenServer, testPrincipals, type TokenServer } from './tokens';

/** One Kafka record as a caseload spec reads it. */
export interface SeenEvent {
  type: string;
  key: string;
  /** Value and headers, to search for what must not be there. */
  raw: string;
  data: Record<string, unknown>;
}

export const CASELOAD_PATIENT = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};

export type Person = 'lead' | 'ali' | 'bea' | 'cy';
type Instance = 'first' | 'second';

/** Reads a topic from its current end (a fresh group that joined before anything is produced). */
async function readFromNow(run: string, topic: string, seen: SeenEvent[]): Promise<Consumer> {
  const kafka = new Kafka({
    clientId: `reader-${run}`,
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName(`caseload-reader-${topic}`) });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const raw = message.value?.toString() ?? '';
      const headers = Object.entries(message.headers ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
      const envelope = JSON.parse(raw) as { data?: Record<string, unknown> };
      seen.push({
        type: String(message.headers?.['ce_type'] ?? ''),
        key: message.key?.toString() ?? '',
        raw: `${raw}\n${headers}`,
        data: envelope.data ?? (envelope as Record<string, unknown>),
      });
    },
  });
  await waitFor(() => joined, { timeoutMs: 60_000, intervalMs: 100, description: `reader joined ${topic}` });
  return consumer;
}

/**
 * The caseload specs' world on the real stack: two instances of the referrals service on one
 * database (the second counts first contact as overdue after two seconds), trusting the local OIDC
 * provider; a link-worker organisation (org.lw, service svc.lw) with three people signed in there
 * (Chris Lead, team lead; Ali Khan and Bea Jones, workers) and a team lead of another
 * organisation (Cy, org.vcsA); API clients of the test token server (gp, lw, vcsA...); readers of
 * the lifecycle and teams topics from before the services start.
 */
export class CaseloadWorld {
  readonly run: string;
  readonly db: string;
  readonly org: Record<'gp' | 'otherGp' | 'lw' | 'vcsA' | 'vcsB' | 'vcsC' | 'ops', string>;
  readonly svc: { lw: string; a: string };
  readonly lifecycle: SeenEvent[] = [];
  readonly teams: SeenEvent[] = [];
  /** Referrals this spec created. */
  readonly ours = new Set<string>();
  mongo!: MongoClient;
  apps: INestApplication[] = [];
  private readonly url: Record<Instance, string> = { first: '', second: '' };
  private tokenServer?: TokenServer;
  private tokens: Record<string, string> = {};
  private readonly people = {} as Record<Person, { token: string; sub: string }>;
  private readonly readers: Consumer[] = [];

  constructor(prefix: string) {
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
    this.tokenServer = await startTokenServer(`http://referrals-${this.run}.test`);
    this.tokens = await this.tokenServer.tokensFor(testPrincipals(this.org));
    this.mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    await ensureTopics({ brokers: testInfra.kafkaBrokers, clientId: `test-${this.run}` }, [Topics.teams], {
      logger: createLogger('test', 'warn'),
    });
    this.readers.push(await readFromNow(this.run, Topics.referralLifecycle.name, this.lifecycle));
    this.readers.push(await readFromNow(this.run, Topics.teams.name, this.teams));
    const env = { OIDC_ISSUERS: localOidcIssuersEnv() };
    const first = await bootReferrals(this.db, this.tokenServer, env);
    const second = await bootReferrals(this.db, this.tokenServer, {
      ...env,
      FIRST_CONTACT_TARGET_DAYS: String(2 / 86_400),
    });
    this.apps = [first.app, second.app];
    this.url.first = first.url;
    this.url.second = second.url;
    const feed = new DirectoryFeed(this.run);
    feed.organisation(this.org.lw).organisation(this.org.vcsA);
    await feed.service(this.svc.lw, this.org.lw).service(this.svc.a, this.org.vcsA).publish();
    await waitForReplica(this.mongo, this.db, {
      services: Object.values(this.svc),
      verifiedOrganisations: [this.org.lw, this.org.vcsA],
    });
    const person = async (name: string, teamRole: 'worker' | 'team-lead', organisationId = this.org.lw) => {
      const login = await createOidcPerson({ organisationId, role: 'link-worker', teamRole, name });
      const signedIn = await oidcSignIn(login.username, login.password);
      if (signedIn.sub !== login.sub) throw new Error('the provider signed in someone else');
      return { token: signedIn.accessToken, sub: signedIn.sub };
    };
    this.people.lead = await person('Chris Lead', 'team-lead');
    this.people.ali = await person('Ali Khan', 'worker');
    this.people.bea = await person('Bea Jones', 'worker');
    this.people.cy = await person('Cy Other', 'team-lead', this.org.vcsA);
  }

  async stop(): Promise<void> {
    for (const reader of this.readers) await reader.disconnect();
    for (const app of this.apps) await app.close();
    await this.mongo?.close();
    await this.tokenServer?.close();
  }

  sub(who: Person): string {
    return this.people[who].sub;
  }

  /** As a person (signed in at the local OIDC provider) or an API client (gp, lw, vcsA...). */
  api(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    instance: Instance = 'first',
  ): Promise<Reply> {
    const token = who in this.people ? this.people[who as Person].token : this.tokens[who];
    return send(`${this.url[instance]}${path}`, { method, token, body, headers });
  }

  assign(
    who: string,
    rid: string,
    body: Record<string, unknown>,
    instance: Instance = 'first',
  ): Promise<Reply> {
    return this.api(who, 'PUT', `/v1/referrals/${rid}/assignment`, body, {}, instance);
  }

  setLimit(who: string, sub: string, limit: unknown): Promise<Reply> {
    return this.api(who, 'PUT', `/v1/team/members/${sub}/caseload-limit`, { limit });
  }

  caseload(who: string, query = '', instance: Instance = 'first'): Promise<Reply> {
    return this.api(who, 'GET', `/v1/caseload${query}`, undefined, {}, instance);
  }

  /** A referral from the practice to the link-worker service (status requested). */
  async refer(): Promise<string> {
    const created = await this.api('gp', 'POST', '/v1/referrals', {
      patient: CASELOAD_PATIENT,
      requesterOdsCode: 'A81001',
      targetServiceId: this.svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      note: 'Lives alone since her husband died',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    if (created.status !== 201) throw new Error(`referral refused: ${JSON.stringify(created.body)}`);
    this.ours.add(created.body.id as string);
    return created.body.id as string;
  }

  /** A referral the link-worker organisation accepted (through its API client). */
  async accepted(): Promise<string> {
    const rid = await this.refer();
    const reply = await this.api('lw', 'POST', `/v1/referrals/${rid}/accept`);
    if (reply.status !== 200) throw new Error(`accept refused: ${JSON.stringify(reply.body)}`);
    return rid;
  }

  teamEvents(): SeenEvent[] {
    return this.teams.filter((t) => t.key === this.org.lw);
  }
}

export const idsOf = (reply: Reply): string[] =>
  (reply.body.items as { id: string }[]).map((i) => i.id).sort();
