/**
 * Scale-out on the real stack: two instances of referrals and of organisations, and two members
 * of each consumer group of notifications and analytics, all compiled services as processes on
 * the same databases, consumer groups and Redis queue prefix (unique to this run), as a
 * horizontally scaled deployment runs them. The run uses its own link-worker organisation,
 * services and GP practice, so every figure it reads is exact.
 *
 * What users rely on, proven here: two people moving one referral at the same time through
 * different instances never both win; every event is counted, signalled and notified exactly once
 * although two members share each group; deadline jobs fire once although both instances run the
 * deadline worker and both reconcile the deadlines at start-up.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { contractRegistry, directoryIdForSlug, Topics } from '@sp/contracts';
import { TokenIssuer } from '@sp/identity';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import {
  completeReferral,
  createWhenDirectoryReady,
  eventNameOf,
  expectedCounters,
  expectedSignals,
  historyOf,
  isMove,
  referralOf,
  raceReferral,
  type HistoryEntry,
  type RaceOutcome,
  type ScenarioContext,
} from './support/referral-scenarios';
import {
  call,
  eventually,
  inParallel,
  lifecyclePartitionsByMember,
  lifecycleRecordsOf,
  metricSum,
  TestTokens,
  uniqueOdsCode,
} from './support/scale-out';
import { clientCredentialsToken, registerRunDirectory } from './support/scale-out-directory';
import { freePort, runToCompletion, startService, type RunningService } from './support/service-process';

const run = uniqueName('scale').replace(/-/g, '_');
const mongoFor = (service: string): string => testInfra.mongoUrlFor(`test_${run}_${service}`);
const group = (service: string): string => `${service}-${run}`;
/** Short deadlines: the reminder 20 s and the expiry 45 s after submission. */
const DEADLINE_SECONDS = 45;
const REMINDER_BEFORE_SECONDS = 25;
const RACED = 24;
const COMPLETED = 24;
const DEADLINES = 6;

jest.setTimeout(240_000);

describe('scale-out: two instances of every service on one database, consumer group and queue', () => {
  const processes: RunningService[] = [];
  const urls = {
    organisations: [] as string[],
    referrals: [] as string[],
    analytics: [] as string[],
    notifications: [] as string[],
  };
  const gpOds = uniqueOdsCode('G');
  // Directory ids are UUIDs: the run's records are named by the UUIDs of their slugs.
  const ids = {
    gp: directoryIdForSlug('organizations', `org-gp-${run}`),
    linkWorkers: directoryIdForSlug('organizations', `org-lw-${run}`),
    service: directoryIdForSlug('services', `svc-lw-${run}`),
    deadlineService: directoryIdForSlug('services', `svc-lw-slow-${run}`),
  };
  let ctx: ScenarioContext;
  let ops = '';
  const raced: RaceOutcome[][] = [];
  const completedIds: string[] = [];
  const deadlineIds: string[] = [];

  beforeAll(async () => {
    const issuer = `http://127.0.0.1/${run}`;
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    const orgPorts = [await freePort(), await freePort()];
    urls.organisations = orgPorts.map((p) => `http://127.0.0.1:${p}`);
    const common = (instance: number) => ({
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `${urls.organisations[instance]}/.well-known/jwks.json`,
      TOKEN_ISSUER: issuer,
      LOG_LEVEL: 'warn',
    });
    const referralsEnv = (instance: number) => ({
      ...common(instance),
      MONGO_URL: mongoFor('referrals'),
      KAFKA_GROUP_ID: group('referrals'),
      QUEUE_PREFIX: `${run}_referrals`,
      RESPONSE_DEADLINE_HOURS: String(DEADLINE_SECONDS / 3600),
      REMINDER_BEFORE_DEADLINE_HOURS: String(REMINDER_BEFORE_SECONDS / 3600),
    });
    const start = async (name: RunningService['name'], env: NodeJS.ProcessEnv): Promise<RunningService> => {
      const service = await startService(name, env);
      processes.push(service);
      return service;
    };

    // Both organisations instances sign with the same key, so a token from either is valid everywhere.
    await Promise.all(
      [0, 1].map((i) =>
        start('organisations', {
          ...common(i),
          PORT: String(orgPorts[i]),
          MONGO_URL: mongoFor('organisations'),
          KAFKA_GROUP_ID: group('organisations'),
          TOKEN_SIGNING_JWK: JSON.stringify(privateJwk),
        }),
      ),
    );
    const clientsFile = join(tmpdir(), `${run}-demo-clients.json`);
    const [seed, firstReferrals] = await Promise.all([
      runToCompletion('dist/services/organisations/src/demo/seed-demo.js', {
        ...common(0),
        MONGO_URL: mongoFor('organisations'),
        DEMO_CLIENTS_FILE: clientsFile,
      }),
      start('referrals', referralsEnv(0)),
      ...[0, 1].map((i) =>
        start('analytics', {
          ...common(i),
          MONGO_URL: mongoFor('analytics'),
          KAFKA_GROUP_ID: group('analytics'),
        }),
      ),
      ...[0, 1].map((i) =>
        start('notifications', {
          ...common(i),
          MONGO_URL: mongoFor('notifications'),
          KAFKA_GROUP_ID: group('notifications'),
          QUEUE_PREFIX: `${run}_notifications`,
          DELIVERY_BACKOFF_MS: '200',
        }),
      ),
    ]);
    expect({ code: seed.code, output: seed.code === 0 ? '' : seed.output }).toEqual({ code: 0, output: '' });
    urls.analytics = processes.filter((p) => p.name === 'analytics').map((p) => p.url);
    urls.notifications = processes.filter((p) => p.name === 'notifications').map((p) => p.url);

    // An operator's token from each organisations instance, each used against the other instance.
    const opsTokens = (await Promise.all(
      urls.organisations.map((url) => clientCredentialsToken(url, clientsFile, 'platform-ops')),
    )) as [string, string];
    ops = opsTokens[0];
    const refused = await registerRunDirectory(urls.organisations as [string, string], opsTokens, {
      linkWorkers: ids.linkWorkers,
      services: [ids.service, ids.deadlineService],
      withCapacity: ids.service,
    });
    expect(refused).toEqual([]);

    const tokens = new TestTokens(privateJwk, issuer);
    ctx = {
      instances: [firstReferrals.url, firstReferrals.url],
      gp: { token: await tokens.for(ids.gp, 'referrer', gpOds), odsCode: gpOds },
      receiver: { token: await tokens.for(ids.linkWorkers, 'link-worker') },
    };

    // Referrals waiting for an answer before the second instance exists. The first is retried
    // (same Idempotency-Key) until the directory events reached the referrals replica.
    for (let n = 0; n < DEADLINES; n += 1) {
      deadlineIds.push(await createWhenDirectoryReady(ctx, ids.deadlineService, `${run}-deadline-${n}`));
    }
    // Half of their deadline jobs are lost (Redis data lost, or Redis down when they were stored).
    const queue = new Queue('referrals-deadline', {
      connection: { url: testInfra.redisUrl },
      prefix: `${run}_referrals`,
    });
    try {
      for (const id of deadlineIds.slice(0, DEADLINES / 2)) {
        for (const kind of ['reminder', 'expiry']) expect(await queue.remove(`${kind}-${id}`)).toBe(1);
      }
    } finally {
      await queue.close();
    }
    // The first instance restarts while the second starts: both reconcile the deadlines at once.
    const [exitCode, restarted, second] = await Promise.all([
      firstReferrals.stop('SIGTERM'),
      start('referrals', referralsEnv(0)),
      start('referrals', referralsEnv(1)),
    ]);
    expect(exitCode).toBe(0);
    processes.splice(processes.indexOf(firstReferrals), 1);
    urls.referrals = [restarted.url, second.url];
    ctx.instances = [restarted.url, second.url];
  }, 240_000);

  afterAll(async () => {
    // Graceful shutdown: every instance drains and exits 0 on SIGTERM (else its last output is shown).
    const codes = await Promise.all(
      processes.map(async (p) => {
        const code = await p.stop('SIGTERM');
        return code === 0 ? `${p.name}:0` : `${p.name}:${code}\n${p.output().slice(-3000)}`;
      }),
    );
    expect(codes).toEqual(processes.map((p) => `${p.name}:0`));
  }, 60_000);

  it('lets exactly one of two concurrent moves of a referral win per version, on either instance', async () => {
    raced.push(
      ...(await inParallel(
        Array.from({ length: RACED }, (_, n) => n),
        6,
        (n) => raceReferral(ctx, ids.service, n),
      )),
    );
    const races = raced.flat();
    // Every race: one 200, and the other told why (409 conflict / invalid move, 412 stale version).
    expect(
      races
        .filter(
          (r) =>
            !(
              r.statuses.filter((s) => s === 200).length === 1 &&
              r.statuses.some((s) => s === 409 || s === 412)
            ),
        )
        .map(({ referralId, round, statuses }) => ({ referralId, round, statuses })),
    ).toEqual([]);

    for (const outcomes of raced) {
      const referralId = outcomes[0]!.referralId;
      const history = await historyOf(ctx.instances[0], ctx.gp.token, referralId);
      // One entry per version, no gap, no second writer of a version: every winner is in it.
      expect(history.map((h) => h.version)).toEqual(history.map((_, i) => i + 1));
      expect(history.filter(isMove).map((h) => h.version)).toEqual(outcomes.map((o) => o.winner!.version));
      expect(history[history.length - 1]!.to).toBe(outcomes[outcomes.length - 1]!.winner!.status);
    }
  });

  it('takes many referrals through their lifecycle across both instances at once', async () => {
    completedIds.push(
      ...(await inParallel(
        Array.from({ length: COMPLETED }, (_, n) => n),
        8,
        (n) => completeReferral(ctx, ids.service, n),
      )),
    );
    for (const id of completedIds) {
      const history = await historyOf(ctx.instances[1], ctx.gp.token, id);
      expect(history.map((h) => `${h.version}:${h.to}`)).toEqual([
        '1:requested',
        '2:accepted',
        '3:in-progress',
        '4:completed',
      ]);
    }
  });

  it('fires each deadline job once, although both instances run the worker and reconciled at start-up', async () => {
    const histories = await waitFor(
      async () => {
        const all = await Promise.all(deadlineIds.map((id) => historyOf(ctx.instances[0], ctx.gp.token, id)));
        return all.every((h) => h.some((e) => e.action === 'expired')) ? all : undefined;
      },
      {
        timeoutMs: (DEADLINE_SECONDS + 60) * 1000,
        intervalMs: 1000,
        description: 'every unanswered referral expired',
      },
    );
    for (const history of histories) {
      expect(history.map((h) => `${h.version}:${h.action}:${h.to}`)).toEqual([
        '1:submitted:requested',
        '2:reminder-sent:requested',
        '3:expired:rejected',
      ]);
    }
  });

  it('counts, signals and notifies every event exactly once with two members in each consumer group', async () => {
    const all = [...raced.map((o) => o[0]!.referralId), ...completedIds, ...deadlineIds];
    const referrals = await inParallel(all, 8, (id) => referralOf(ctx.instances[1], ctx.gp.token, id));
    const historyOfId = new Map(referrals.map((r) => [r.id, r.history]));
    const toService = (svc: string) =>
      referrals.filter((r) => deadlineIds.includes(r.id) === (svc === ids.deadlineService));

    // The events a referral's history implies: one per entry, plus the one coded summary for the
    // GP record of a referral that closed (issued by whichever instance handled the closing event).
    const eventNamesOf = (history: HistoryEntry[]) => [
      ...history.map(eventNameOf),
      ...(['completed', 'rejected', 'cancelled', 'failed'].includes(history.at(-1)?.to ?? '')
        ? ['referral.gp-summary-issued']
        : []),
    ];

    // The topic holds one event per history entry (by event id), whatever the relays republished,
    // and one summary per closed referral.
    await eventually(
      async () => {
        const records = await lifecycleRecordsOf(new Set(all));
        const names = all.map((id) => {
          const byId = new Map(records.filter((r) => r.referralId === id).map((r) => [r.id, r.type]));
          return [...byId.values()].map((type) => contractRegistry.get(type)?.name).sort();
        });
        return names;
      },
      all.map((id) => eventNamesOf(historyOfId.get(id)!).sort()),
      'one event per history entry on the lifecycle topic',
      30_000,
    );

    // Both members of each group hold lifecycle partitions, and each analytics and notifications
    // instance handled lifecycle events.
    for (const service of ['analytics', 'notifications', 'organisations']) {
      const members = await waitFor(
        async () => {
          const m = await lifecyclePartitionsByMember(group(service));
          return m.length === 2 ? m : undefined;
        },
        { timeoutMs: 30_000, description: `${service} group stable with two members` },
      );
      expect(members.map((partitions) => partitions.length > 0)).toEqual([true, true]);
      expect(members.flat().sort((a, b) => a - b)).toEqual([
        ...Array(Topics.referralLifecycle.partitions).keys(),
      ]);
    }
    for (const service of ['analytics', 'notifications'] as const) {
      for (const url of urls[service]) {
        const labels = { group: group(service), topic: Topics.referralLifecycle.name, outcome: 'processed' };
        expect(await metricSum(url, 'sp_consumer_messages_total', labels)).toBeGreaterThan(0);
      }
    }

    // Analytics: the practice's and each service's counters, exactly what the histories imply.
    const counters = (view: {
      submitted: number;
      byPriority: Record<string, number>;
      transitions: Record<string, number>;
      reasons: Record<string, number>;
      wellbeingChange: { pairs: number };
    }) => ({
      submitted: view.submitted,
      byPriority: view.byPriority,
      transitions: view.transitions,
      reasons: view.reasons,
      wellbeingPairs: view.wellbeingChange.pairs,
    });
    await eventually(
      async () => {
        const answer = await call<{ organisations: Array<Parameters<typeof counters>[0]> }>(
          `${urls.analytics[0]}/v1/stats/referrals`,
          ctx.gp.token,
        );
        return counters(answer.body.organisations[0]!);
      },
      expectedCounters(referrals),
      "analytics counted the practice's referrals",
    );
    for (const svc of [ids.service, ids.deadlineService]) {
      await eventually(
        async () =>
          counters(
            (await call<Parameters<typeof counters>[0]>(`${urls.analytics[1]}/v1/stats/services/${svc}`, ops))
              .body,
          ),
        expectedCounters(toService(svc)),
        `analytics counted ${svc}`,
      );
    }

    // Organisations: trust signals and live caseload of each service.
    for (const [i, svc] of [ids.service, ids.deadlineService].entries()) {
      const expected = expectedSignals(toService(svc).map((r) => r.history));
      await eventually(
        async () => {
          const listing = (
            await call<{
              sp_trust?: {
                acceptance_rate: number | null;
                completion_rate: number | null;
                sample_size: number;
                referrals_last_90_days: number;
              };
              sp_capacity?: { caseload: number };
            }>(`${urls.organisations[i]}/hsds/services/${svc}`, ops)
          ).body;
          return {
            acceptance_rate: listing.sp_trust?.acceptance_rate,
            completion_rate: listing.sp_trust?.completion_rate,
            sample_size: listing.sp_trust?.sample_size,
            referrals: listing.sp_trust?.referrals_last_90_days,
            caseload: listing.sp_capacity?.caseload ?? 0,
          };
        },
        { ...expected, referrals: toService(svc).length },
        `trust signals and caseload of ${svc}`,
      );
    }

    // Notifications: exactly one inbox item per event and recipient. New referrals and reminders
    // go to the link workers; every answer, move and expiry goes back to the practice, and so does
    // the one coded summary for the GP record of each referral that closed.
    const expectedInbox = (kinds: (name: string) => boolean) =>
      referrals
        .flatMap((r) =>
          eventNamesOf(r.history)
            .filter(kinds)
            .map((kind) => `${r.id} ${kind}`),
        )
        .sort();
    const toReceiver = (kind: string) => kind === 'referral.submitted' || kind === 'referral.reminder-due';
    for (const [i, [token, kinds]] of [
      [ctx.gp.token, (k: string) => !toReceiver(k)],
      [ctx.receiver.token, toReceiver],
    ].entries() as IterableIterator<[number, [string, (k: string) => boolean]]>) {
      await eventually(
        async () =>
          (
            await call<{ items: Array<{ referralId: string; kind: string }> }>(
              `${urls.notifications[i]}/v1/inbox?limit=500`,
              token,
            )
          ).body.items
            .map((item) => `${item.referralId} ${item.kind}`)
            .sort(),
        expectedInbox(kinds),
        i === 0 ? 'the practice inbox' : 'the link workers inbox',
      );
    }
  });
});
