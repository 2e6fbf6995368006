// Webhook fan-out benchmark (`npx tsx bench/notifications/run.ts`, after `npm run build`; or
// `npm run bench:notifications`, which builds first): how fast referral lifecycle events go from
// Kafka to signed webhook deliveries at 50 organisations' endpoints, and how long after the
// referral's commit a receiver has it, against a bare consumer that signs and POSTs in the same run.
//
// 1. A private empty Kafka broker (bench/consumers/broker.ts) with the platform topics; one
//    node:http receiver in this process (receiver.ts), one path per endpoint, verifying every
//    signature with the endpoint's secret (standardwebhooks), answering 204, recording the arrival
//    of each webhook-id (duplicates counted apart).
// 2. Bare baseline (bare.ts, its own process): a plain kafkajs consumer (fresh group at the end)
//    that signs the same payload with standardwebhooks and POSTs it to its own 50 receiver paths;
//    no database, no Redis; BENCH_BARE_CONCURRENCY POSTs in flight (default 50, as the service's
//    webhook workers).
// 3. The notifications service (service.ts): compiled, its own process, database, consumer group
//    (started at the topic's end) and queue prefix, trusting this bench's token issuer; webhooks
//    allowed to loopback http, retries after 0.2, 0.5, 1, 2, 5 s. 50 organisations each create
//    one endpoint (subscribed to referral.submitted) through POST /v1/webhook-endpoints. The
//    service is started with count-mongo-commands.cjs preloaded: the report gives its MongoDB
//    commands per event, by command and collection.
// Each runs two phases on its own events (events.ts: valid referral.submitted, owner organisation
// round robin, produced as the referrals service produces them, occurredAt = just before produce):
//   backlog: BENCH_EVENTS (10,000) produced at once; events/s from the first record produced to
//            the last signed delivery received; exactness (each event once, at its organisation's
//            endpoint, every signature valid; same webhook-id again counted as a duplicate).
//   steady:  BENCH_RATE (100) referrals/s for BENCH_SECONDS (30); p50/p95/p99/max from occurredAt
//            to the receiver's 2xx (aim: p99 under 1 s).
// Figures, machine, engine, CPU per process and load average go to BENCH_REPORT
// (default /tmp/bench-notifications.md; report.ts). Benchmarks are not timed tests: the run fails
// (exit 1) only when a delivery is missing, doubled, misrouted or badly signed.
//
// Env: BENCH_EVENTS, BENCH_RATE, BENCH_SECONDS, BENCH_ORGS (50), BENCH_BARE_CONCURRENCY,
// BENCH_KAFKA_PORT (19192; +1 for its controller), BENCH_REPORT, BENCH_ONLY (bare,service),
// BENCH_SERVICE_NODE_ARGS, MONGO_URL, REDIS_URL. Other WEBHOOK_* variables in the environment reach
// the service (e.g. WEBHOOK_CONCURRENCY, WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT).
import { randomBytes, randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { ensureTopics } from '@sp/messaging';
import { mongoUrlWithDatabase, testInfra, uniqueName } from '@sp/testing';
import { startPrivateBroker } from '../consumers/broker';
import { machine, snapshot, usageBetween } from '../referrals/cpu';
import { forkBare, startGroupAtEnd, type BareConfig } from './bare';
import { connectProducer, produceAtRate, produceBacklog, type Organisations, type Produced } from './events';
import { countsBetween, readCounts } from './mongo-commands';
import { percentile, WebhookReceiver, type Expectation, type Tally } from './receiver';
import { report, type PhaseResult, type SideResult } from './report';
import { BenchIdentity, createEndpoint, startNotifications } from './service';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 10_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 100);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const ORGS = Number(process.env['BENCH_ORGS'] ?? 50);
const BARE_CONCURRENCY = Number(process.env['BENCH_BARE_CONCURRENCY'] ?? 50);
const KAFKA_PORT = Number(process.env['BENCH_KAFKA_PORT'] ?? 19_192);
const REPORT = process.env['BENCH_REPORT'] ?? '/tmp/bench-notifications.md';
const ONLY = (process.env['BENCH_ONLY'] ?? 'bare,service').split(',');
const SERVICE_NODE_ARGS = (process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
/** After the last expected delivery, how long to keep listening for duplicates. */
const QUIET_MS = 3_000;
const run = uniqueName('bench').replace(/-/g, '_');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilDelivered(tally: Tally, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const settled = () => tally.delivered + tally.wrongEndpoint + tally.doubleEvents >= tally.expected.size;
  while (!settled() && Date.now() < deadline) await sleep(50);
  await sleep(QUIET_MS);
}

async function phase(
  receiver: WebhookReceiver,
  own: Record<string, number | undefined>,
  produce: (expected: Map<string, Expectation>) => Promise<Produced>,
  timeoutMs: number,
  firstConsumedAt?: () => number,
  countsFile?: string,
): Promise<PhaseResult> {
  const expected = new Map<string, Expectation>();
  const tally = receiver.begin(expected);
  const cpuFrom = snapshot(own);
  const countsFrom = countsFile ? await readCounts(countsFile) : undefined;
  const produced = await produce(expected);
  await untilDelivered(tally, timeoutMs);
  const cpu = usageBetween(cpuFrom, snapshot(own));
  const commands =
    countsFile && countsFrom ? countsBetween(countsFrom, await readCounts(countsFile)) : undefined;
  const complete = tally.delivered === expected.size;
  const seconds = complete ? (tally.lastAt - produced.startedAt) / 1000 : Number.NaN;
  const l = tally.latencies;
  const first = firstConsumedAt?.() ?? 0;
  return {
    produced,
    delivered: tally.delivered,
    expected: expected.size,
    seconds,
    eventsPerSecond: complete ? Math.round(expected.size / seconds) : Number.NaN,
    ...(first ? { firstConsumedSeconds: (first - produced.startedAt) / 1000 } : {}),
    latency: { p50: percentile(l, 50), p95: percentile(l, 95), p99: percentile(l, 99), max: Math.max(...l) },
    exact: tally.exact,
    tally: {
      duplicates: tally.duplicates,
      doubleEvents: tally.doubleEvents,
      badSignatures: tally.badSignatures,
      wrongEndpoint: tally.wrongEndpoint,
      unexpected: tally.unexpected,
      firstAt: tally.firstAt,
      lastAt: tally.lastAt,
      delivered: tally.delivered,
      exact: tally.exact,
    },
    cpu,
    ...(commands ? { commands } : {}),
  };
}

async function phases(
  receiver: WebhookReceiver,
  producer: Producer,
  orgs: Organisations,
  own: Record<string, number | undefined>,
  side: SideResult,
  firstConsumed?: { at: () => number; reset: () => void },
  countsFile?: string,
): Promise<void> {
  console.log(`${side.name}: backlog of ${EVENTS} events`);
  side.backlog = await phase(
    receiver,
    own,
    (expected) => produceBacklog(producer, orgs, EVENTS, run, expected),
    15 * 60_000,
    firstConsumed?.at,
    countsFile,
  );
  console.log(`${side.name} backlog: ${JSON.stringify(side.backlog)}`);
  firstConsumed?.reset();
  console.log(`${side.name}: ${RATE} events/s for ${SECONDS} s`);
  side.steady = await phase(
    receiver,
    own,
    (expected) => produceAtRate(producer, orgs, RATE, SECONDS, run, expected),
    5 * 60_000,
    undefined,
    countsFile,
  );
  console.log(`${side.name} steady: ${JSON.stringify(side.steady)}`);
}

function organisations(ids: string[], prefix: string): Organisations {
  const index = new Map(ids.map((id, i) => [id, i]));
  return { ids, pathOf: (id) => `/${prefix}/${index.get(id) ?? -1}` };
}

async function bareSide(
  brokers: string[],
  receiver: WebhookReceiver,
  producer: Producer,
  ids: string[],
): Promise<SideResult> {
  const side: SideResult = { name: 'bare' };
  const orgs = organisations(ids, 'bare');
  const endpoints: BareConfig['endpoints'] = {};
  for (const id of ids) {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const path = orgs.pathOf(id);
    receiver.addEndpoint(path, secret);
    endpoints[id] = { path, url: receiver.url(path), secret };
  }
  const bare = await forkBare({
    brokers,
    groupId: `bench-bare-${run}`,
    concurrency: BARE_CONCURRENCY,
    endpoints,
  });
  let stopped = false;
  try {
    await sleep(3_000); // the group joined and fetching
    await phases(
      receiver,
      producer,
      orgs,
      { 'bare consumer': bare.child.pid, 'bench (producer, receiver)': process.pid },
      side,
      {
        at: bare.firstConsumedAt,
        reset: bare.resetFirstConsumed,
      },
    );
    const failures = await bare.stop();
    stopped = true;
    if (failures > 0) side.note = `${failures} failed POSTs retried`;
  } finally {
    if (!stopped) bare.child.kill('SIGTERM');
  }
  return side;
}

async function serviceSide(
  kafka: Kafka,
  brokers: string[],
  receiver: WebhookReceiver,
  producer: Producer,
  ids: string[],
  dbName: string,
  prefix: string,
): Promise<SideResult> {
  const side: SideResult = { name: 'notifications service' };
  const identity = await BenchIdentity.start();
  const groupId = `bench-notifications-${run}`;
  try {
    await startGroupAtEnd(kafka, groupId);
    await serviceRun(brokers, receiver, producer, ids, dbName, prefix, identity, groupId, side);
  } catch (error) {
    // Keep what was measured; say what failed.
    console.error(error);
    side.note = `did not complete: ${(error as Error).message}`;
    process.exitCode = 1;
  } finally {
    await identity.stop();
  }
  return side;
}

async function serviceRun(
  brokers: string[],
  receiver: WebhookReceiver,
  producer: Producer,
  ids: string[],
  dbName: string,
  prefix: string,
  identity: BenchIdentity,
  groupId: string,
  side: SideResult,
): Promise<void> {
  const orgs = organisations(ids, 'svc');
  const countsFile = join(tmpdir(), `bench-notifications-${run}-mongo.json`);
  const service = await startNotifications(
    {
      ...identity.env,
      BENCH_MONGO_COUNTS: countsFile,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_GROUP_ID: groupId,
      MONGO_URL: mongoUrlWithDatabase(testInfra.mongoUrl, dbName),
      REDIS_URL: testInfra.redisUrl,
      QUEUE_PREFIX: prefix,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_RETRY_SCHEDULE_MS: '200,500,1000,2000,5000',
    },
    ['-r', './bench/notifications/count-mongo-commands.cjs', ...SERVICE_NODE_ARGS],
  );
  try {
    for (const id of ids) {
      const path = orgs.pathOf(id);
      const endpoint = await createEndpoint(service.url, await identity.tokenFor(id), receiver.url(path));
      receiver.addEndpoint(path, endpoint.secret);
    }
    console.log(`Created ${ids.length} webhook endpoints through the API`);
    await phases(
      receiver,
      producer,
      orgs,
      { notifications: service.child.pid, 'bench (producer, receiver)': process.pid },
      side,
      undefined,
      countsFile,
    );
  } finally {
    await service.stop();
    await rm(countsFile, { force: true });
  }
}

async function dropQueues(prefix: string): Promise<void> {
  const redis = new Redis(testInfra.redisUrl, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const m = machine();
  const loadStart = +(loadavg()[0] ?? 0).toFixed(2);
  const mongo = new MongoClient(testInfra.mongoUrl, { maxPoolSize: 2 });
  await mongo.connect();
  const info = await mongo.db('admin').command({ buildInfo: 1 });
  const engine =
    typeof info['secantusVersion'] === 'string'
      ? `SecantusDB ${info['secantusVersion']}`
      : `MongoDB ${String(info['version'])}`;
  console.log(`Starting a private Kafka broker on 127.0.0.1:${KAFKA_PORT}...`);
  // platform.sh also gives a broker a partners' SASL listener and may start the fake Notify server:
  // ports of their own beside the private broker's, so the shared platform's are never touched.
  const broker = await startPrivateBroker(KAFKA_PORT);
  const dbName = `bench_notifications_${run}`;
  const prefix = `bench_${run}`;
  const receiver = new WebhookReceiver();
  let producer: Producer | undefined;
  const sides: SideResult[] = [];
  try {
    await ensureTopics({ brokers: broker.brokers, clientId: 'bench-notifications' }, Object.values(Topics));
    const kafka = new Kafka({
      clientId: 'bench-notifications',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = await connectProducer(kafka);
    await receiver.listen();
    const ids = Array.from({ length: ORGS }, () => randomUUID());
    if (ONLY.includes('bare')) sides.push(await bareSide(broker.brokers, receiver, producer, ids));
    if (ONLY.includes('service'))
      sides.push(await serviceSide(kafka, broker.brokers, receiver, producer, ids, dbName, prefix));
    const settings = { events: EVENTS, rate: RATE, seconds: SECONDS, orgs: ORGS };
    const text = report(settings, sides, m, engine, {
      start: loadStart,
      end: +(loadavg()[0] ?? 0).toFixed(2),
    });
    await writeFile(REPORT, text);
    console.log(`\n${text}\nWritten to ${REPORT}`);
    if (sides.some((s) => s.backlog?.exact === false || s.steady?.exact === false)) process.exitCode = 1;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await receiver.close().catch(() => undefined);
    await mongo
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
    await dropQueues(prefix).catch(() => undefined);
    await broker.stop();
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
