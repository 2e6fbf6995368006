// Consumer backlog benchmark (`npx tsx bench/consumers/run.ts`, after `npm run build`): how fast
// a fresh analytics service and a fresh notifications service (compiled, each its own process,
// database and consumer group) work through a backlog of referral lifecycle events, against the
// bare kafkajs consume rate of the same records in the same run.
//
// 1. A private empty broker (broker.ts) gets the platform topics and BENCH_REFERRALS x 4 valid
//    lifecycle events (submitted, accepted, started, completed; default 2,500 referrals = 10,000
//    events), produced as the referrals service produces them.
// 2. Baseline: a bare kafkajs consumer (fresh group) reads them all (JSON.parse of each value).
// 3. Analytics, then notifications, each started fresh: time from its start and from its group
//    joined (/health/ready) until every effect is in its database (the practices' counters hold
//    every event; one inbox item per event and recipient), and until its group's lag is 0. The
//    effects are then checked to be exact (nothing counted or delivered twice).
// Figures and machine go to BENCH_REPORT (default /tmp/bench-consumers.md).
//
// Env: BENCH_REFERRALS (2500), BENCH_KAFKA_PORT (19092; +1 for its controller), MONGO_URL,
// REDIS_URL, BENCH_REPORT, BENCH_SERVICE_NODE_ARGS, BENCH_ONLY.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { ensureTopics } from '@sp/messaging';
import { Topics } from '@sp/contracts';
import { mongoUrlWithDatabase, testInfra, uniqueName } from '@sp/testing';
import { machine } from '../referrals/cpu';
import { lifecycleBacklog, type Backlog } from './backlog';
import { startPrivateBroker } from './broker';
import { bareConsume, drain, produce, type Drain } from './measure';
import { factTotals } from './analytics-facts';

const REFERRALS = Number(process.env['BENCH_REFERRALS'] ?? 2_500);
const KAFKA_PORT = Number(process.env['BENCH_KAFKA_PORT'] ?? 19_092);
const REPORT = process.env['BENCH_REPORT'] ?? '/tmp/bench-consumers.md';
/** Extra node arguments for the services, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const SERVICE_NODE_ARGS = (process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
/** Only these services (comma-separated), e.g. `analytics` while profiling it. */
const ONLY = (process.env['BENCH_ONLY'] ?? 'analytics,notifications').split(',');
const run = uniqueName('bench').replace(/-/g, '_');
const topic = Topics.referralLifecycle.name;
/** The notifications service's delivery queue (services/notifications/src/queues/queue-names.ts). */
const DELIVERY_QUEUE = 'notifications-delivery';

async function analyticsRun(kafka: Kafka, brokers: string[], db: Db, backlog: Backlog): Promise<Drain> {
  const sums = () => factTotals(db);
  const e = backlog.expected;
  const want = {
    submitted: e.submitted,
    accepted: e.referrals,
    started: e.referrals,
    completed: e.completed,
    pairs: e.wellbeingPairs,
  };
  return drain(
    kafka,
    { name: 'analytics', groupId: `bench-analytics-${run}`, topic, nodeArgs: SERVICE_NODE_ARGS },
    {
      KAFKA_BROKERS: brokers.join(','),
      MONGO_URL: mongoUrlWithDatabase(testInfra.mongoUrl, db.databaseName),
    },
    e.events,
    async () => {
      const s = await sums();
      return s.submitted + s.accepted + s.started + s.completed;
    },
    async () => {
      const s = await sums();
      return { exact: JSON.stringify(s) === JSON.stringify(want), detail: `counters ${JSON.stringify(s)}` };
    },
  );
}

async function notificationsRun(kafka: Kafka, brokers: string[], db: Db, backlog: Backlog): Promise<Drain> {
  const inbox = db.collection('inbox');
  const prefix = `bench_${run}`;
  try {
    return await drain(
      kafka,
      { name: 'notifications', groupId: `bench-notifications-${run}`, topic, nodeArgs: SERVICE_NODE_ARGS },
      {
        KAFKA_BROKERS: brokers.join(','),
        MONGO_URL: mongoUrlWithDatabase(testInfra.mongoUrl, db.databaseName),
        REDIS_URL: testInfra.redisUrl,
        QUEUE_PREFIX: prefix,
      },
      backlog.expected.inboxItems,
      () => inbox.estimatedDocumentCount(),
      async () => {
        const items = await inbox.countDocuments();
        const recipients = await inbox.distinct('recipientOrganisationId');
        return {
          exact: items === backlog.expected.inboxItems,
          detail: `${items} inbox items for ${recipients.length} organisations`,
        };
      },
    );
  } finally {
    const queue = new Queue(DELIVERY_QUEUE, { connection: { url: testInfra.redisUrl }, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

function report(
  m: ReturnType<typeof machine>,
  engine: string,
  backlog: Backlog,
  produced: number,
  bare: { seconds: number; fromRunSeconds: number },
  drains: Drain[],
  loads: { start: number; end: number },
): string {
  const n = backlog.expected.events;
  const rows = drains.map(
    (d) =>
      `| ${d.name} | ${d.startSeconds.toFixed(1)} | ${d.drainSeconds.toFixed(1)} | ${d.eventsPerSecond} | ${(d.eventsPerSecond / (n / bare.seconds)).toFixed(2)} | ${d.lagZeroSeconds.toFixed(1)} | ${d.exact ? 'yes' : 'NO'} | ${Object.entries(
        d.cpu.seconds,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
  );
  return [
    '# Consumer backlog benchmark',
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${m.cores} CPU (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}. Load average (1 min): ${loads.start} at start, ${loads.end} at end. Engine: ${engine}. Kafka 3.9.1 (a private single-node broker, empty topics), Redis 7; everything on the same cores.`,
    '',
    `Backlog: ${n} referral lifecycle events (${backlog.expected.referrals} referrals x submitted, accepted, started, completed) on the 6 partitions of ${topic}, produced in ${produced.toFixed(1)} s.`,
    '',
    `Baseline, bare kafkajs (fresh group, JSON.parse per record): ${Math.round(n / bare.seconds)} events/s (${bare.seconds.toFixed(2)} s from group joined to last record; ${bare.fromRunSeconds.toFixed(2)} s including the join).`,
    '',
    '| Service (fresh, own database and group) | Start to ready (s) | Drain: ready to every effect stored (s) | Events/s | Ratio to bare | Ready to lag 0 (s) | Exact | CPU seconds during the drain |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...drains.map((d) => `- ${d.name}: ${d.detail}.`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const m = machine();
  const loadStart = +(loadavg()[0] ?? 0).toFixed(2);
  const mongo = new MongoClient(testInfra.mongoUrl, { maxPoolSize: 4 });
  await mongo.connect();
  const info = await mongo.db('admin').command({ buildInfo: 1 });
  const engine =
    typeof info['secantusVersion'] === 'string'
      ? `SecantusDB ${info['secantusVersion']}`
      : `MongoDB ${String(info['version'])}`;
  console.log(`Starting a private Kafka broker on 127.0.0.1:${KAFKA_PORT}...`);
  const broker = await startPrivateBroker(KAFKA_PORT);
  const dbs = [
    mongo.db(`bench_consumers_${run}_analytics`),
    mongo.db(`bench_consumers_${run}_notifications`),
  ] as const;
  try {
    const kafka = new Kafka({
      clientId: 'bench-consumers',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics({ brokers: broker.brokers, clientId: 'bench-consumers' }, [
      Topics.referralLifecycle,
      Topics.directory,
    ]);
    const backlog = lifecycleBacklog(REFERRALS);
    const produced = await produce(kafka, topic, backlog);
    console.log(`Produced ${backlog.expected.events} events in ${produced.toFixed(1)} s`);
    const bare = await bareConsume(kafka, topic, backlog.expected.events, `bench-bare-${run}`);
    console.log(`Bare kafkajs: ${Math.round(backlog.expected.events / bare.seconds)} events/s`);
    const drains: Drain[] = [];
    if (ONLY.includes('analytics')) drains.push(await analyticsRun(kafka, broker.brokers, dbs[0], backlog));
    if (ONLY.includes('notifications'))
      drains.push(await notificationsRun(kafka, broker.brokers, dbs[1], backlog));
    for (const d of drains) console.log(`${d.name}: ${JSON.stringify(d)}`);
    const text = report(m, engine, backlog, produced, bare, drains, {
      start: loadStart,
      end: +(loadavg()[0] ?? 0).toFixed(2),
    });
    await writeFile(REPORT, text);
    console.log(`\n${text}\nWritten to ${REPORT}`);
    if (drains.some((d) => !d.exact)) process.exitCode = 1;
  } finally {
    await Promise.all(dbs.map((db) => db.dropDatabase().catch(() => undefined)));
    await mongo.close();
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
