/**
 * Shared set-up of the FHIR Subscriptions end-to-end specs: the referrals service booted on the
 * real Kafka, MongoDB and Redis (loopback http endpoints allowed by config, as on the local
 * platform; short heartbeats, retries and error threshold), a directory of two VCS organisations,
 * real HTTP subscribers on this machine, and helpers to subscribe, refer and read notifications.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { testInfra, waitFor } from '@sp/testing';
import {
  BACKPORT_EXTENSIONS,
  REFERRAL_TASK_TOPIC,
} from '../../src/fhir-subscriptions/domain/subscription-topic';
import { gravityBundle } from '../fhir-fixtures';
import { DirectoryFeed, waitForReplica } from './directory-feed';
import { send, type Reply } from './http';
import { bootReferrals, testRun } from './referrals-app';
import { startTokenServer, testPrincipals, type TestParty, type TokenServer } from './tokens';

export interface Received {
  path: string;
  at: number;
  headers: IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** How the subscriber answers on a path: 200, 500, 500 once then 200, or never (the server's timeout cuts it off). */
export type Behaviour = 'ok' | 'fail' | 'fail-once' | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  behave(path: string, behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      received.push({
        path,
        at: Date.now(),
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      const behaviour = behaviours.get(path) ?? 'ok';
      if (behaviour === 'hang') return void hanging.push(res);
      if (behaviour === 'fail-once') behaviours.set(path, 'ok');
      res.statusCode = behaviour === 'fail' || behaviour === 'fail-once' ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    behave: (path, behaviour) => void behaviours.set(path, behaviour),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Param = {
  name: string;
  valueString?: string;
  valueCode?: string;
  part?: Param[];
  valueReference?: { reference: string };
};
export const paramsOf = (bundle: Received['body']): Param[] => bundle.entry[0].resource.parameter;
export const param = (bundle: Received['body'], name: string) =>
  paramsOf(bundle).find((p) => p.name === name);
export const typeOf = (r: Received) => param(r.body, 'type')?.valueCode;
export const focusOf = (r: Received) =>
  param(r.body, 'notification-event')?.part?.find((p) => p.name === 'focus')?.valueReference?.reference;
export const eventNumberOf = (r: Received) =>
  param(r.body, 'notification-event')?.part?.find((p) => p.name === 'event-number')?.valueString;

export interface SubscriptionOptions {
  filter?: string;
  heartbeat?: number;
  timeout?: number;
  header?: string[];
}

export interface SubscriptionsWorld {
  base: string;
  org: Record<TestParty, string>;
  svc: { a: string; b: string };
  receiver: Receiver;
  fhir(
    who: TestParty | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** A backport Subscription body for an endpoint path of the receiver. */
  subscription(endpointPath: string, opts?: SubscriptionOptions): Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** POSTs it (201 expected) and answers the id. */
  subscribe(who: TestParty, body: unknown): Promise<string>;
  waitForStatus(who: TestParty, subId: string, status: string): Promise<Reply>;
  /** The GP refers to a service over FHIR; answers the Task id. */
  refer(serviceId: string | null): Promise<string>;
  /** PATCHes the Task's status as `who`. */
  setStatus(who: TestParty, taskId: string, status: string): Promise<Reply>;
  eventsAt(path: string): Received[];
  close(): Promise<void>;
}

export async function subscriptionsWorld(prefix: string): Promise<SubscriptionsWorld> {
  const { run, id } = testRun(prefix);
  const db = `test_${run}_referrals_subs`;
  const org: Record<TestParty, string> = {
    gp: id('org-gp'),
    otherGp: id('org-gp-other'),
    lw: id('org-lw'),
    vcsA: id('org-vcs-a'),
    vcsB: id('org-vcs-b'),
    vcsC: id('org-vcs-c'),
    ops: id('org-platform'),
  };
  const svc = { a: id('svc-a'), b: id('svc-b') };
  const receiver = await startReceiver();
  const tokenServer: TokenServer = await startTokenServer(`http://referrals-${prefix}-e2e.test`);
  const tokens = await tokenServer.tokensFor(testPrincipals(org));
  const mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
  const { app, url: base }: { app: INestApplication; url: string } = await bootReferrals(db, tokenServer, {
    FHIR_SUBSCRIPTION_ALLOW_HTTP: 'true',
    FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS: 'loopback',
    FHIR_SUBSCRIPTION_MIN_HEARTBEAT_SECONDS: '1',
    FHIR_SUBSCRIPTION_ATTEMPTS: '3',
    FHIR_SUBSCRIPTION_BACKOFF_MS: '100',
    FHIR_SUBSCRIPTION_ERROR_AFTER_FAILURES: '3',
  });
  await new DirectoryFeed(run)
    .organisation(org.vcsA)
    .organisation(org.vcsB)
    .service(svc.a, org.vcsA, { taxonomyTermIds: ['sp-need-loneliness'] })
    .service(svc.b, org.vcsB, { taxonomyTermIds: ['sp-need-debt'] })
    .publish();
  await waitForReplica(mongo, db, {
    services: Object.values(svc),
    verifiedOrganisations: [org.vcsA, org.vcsB],
  });

  const fhir: SubscriptionsWorld['fhir'] = (who, method, path, body, headers = {}) =>
    send(`${base}${path}`, {
      method,
      ...(who ? { token: tokens[who] } : {}),
      body,
      contentType: 'application/fhir+json',
      headers: { accept: 'application/fhir+json', ...headers },
    });

  const world: SubscriptionsWorld = {
    base,
    org,
    svc,
    receiver,
    fhir,
    subscription(endpointPath, opts = {}) {
      const channelExtensions = [
        ...(opts.heartbeat
          ? [{ url: BACKPORT_EXTENSIONS.heartbeatPeriod, valueUnsignedInt: opts.heartbeat }]
          : []),
        ...(opts.timeout ? [{ url: BACKPORT_EXTENSIONS.timeout, valueUnsignedInt: opts.timeout }] : []),
      ];
      return {
        resourceType: 'Subscription',
        status: 'requested',
        reason: 'Our portal follows our referrals',
        criteria: REFERRAL_TASK_TOPIC,
        ...(opts.filter
          ? {
              _criteria: {
                extension: [{ url: BACKPORT_EXTENSIONS.filterCriteria, valueString: opts.filter }],
              },
            }
          : {}),
        channel: {
          ...(channelExtensions.length > 0 ? { extension: channelExtensions } : {}),
          type: 'rest-hook',
          endpoint: `${receiver.url}${endpointPath}`,
          payload: 'application/fhir+json',
          _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'id-only' }] },
          ...(opts.header ? { header: opts.header } : {}),
        },
      };
    },
    async subscribe(who, body) {
      const res = await fhir(who, 'POST', '/fhir/Subscription', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ resourceType: 'Subscription', status: 'requested' });
      expect(res.headers.get('location')).toBe(`${base}/fhir/Subscription/${res.body.id}`);
      return res.body.id as string;
    },
    async waitForStatus(who, subId, status) {
      return waitFor(
        async () => {
          const res = await fhir(who, 'GET', `/fhir/Subscription/${subId}`);
          return res.body.status === status ? res : undefined;
        },
        { timeoutMs: 30_000, description: `Subscription/${subId} ${status}` },
      );
    },
    async refer(serviceId) {
      const b = gravityBundle({ serviceId, identifier: id(`r-${Math.random().toString(36).slice(2)}`) });
      b.entry[3].resource.dateTime = new Date(Date.now() - 60_000).toISOString();
      b.entry[1].resource.reasonCode = [
        {
          coding: [
            { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-loneliness' },
          ],
        },
      ];
      const res = await fhir('gp', 'POST', '/fhir', b);
      expect(res.status).toBe(200);
      return (res.body.entry[1].response.location as string).split('/')[1] as string;
    },
    setStatus: (who, taskId, status) =>
      fhir(who, 'PATCH', `/fhir/Task/${taskId}`, [{ op: 'replace', path: '/status', value: status }], {
        'content-type': 'application/json-patch+json',
      }),
    eventsAt: (path) =>
      receiver.received.filter((r) => r.path === path && typeOf(r) === 'event-notification'),
    async close() {
      await app.close();
      await mongo.close();
      await tokenServer.close();
      await receiver.close();
    },
  };
  return world;
}
