// Read-model rebuild benchmark (`npm run bench:analytics`): how fast `npm run analytics:rebuild`
// replays the referral lifecycle topic into a fresh generation of the analytics read models,
// against bare kafkajs consumption of the same records in the same run (aim: at least 0.5 of it).
//
// 1. A private empty broker (bench/consumers/broker.ts) gets the platform topics and
//    BENCH_EVENTS valid lifecycle events (default 100,000: 25,000 referrals x submitted v2,
//    accepted, started, completed), produced as the referrals service produces them.
// 2. Baseline: a bare kafkajs consumer (fresh group) reads them all (JSON.parse of each value).
// 3. The compiled rebuild command (dist/.../rebuild-cli.js, what `npm run analytics:rebuild`
//    runs) against a fresh database: time from its start until every fact is stored, and until
//    reads switched to the new generation (it exits then). The facts are checked to be exact.
// Figures and machine go to BENCH_REPORT (default /tmp/bench-analytics.md).
//
// Env: BENCH_EVENTS (100000), BENCH_KAFKA_PORT (19192; +1..+3 for its other ports), MONGO_URL,
// BENCH_REPORT.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { ensureTopics } from '@sp/messaging';
import { Topics } from '@sp/contracts';
import { mongoUrlWithDatabase, testInfra, uniqueName, waitFor } from '@sp/testing';
import { factTotals, type FactTotals } from '../consumers/analytics-facts';
import { lifecycleBacklog, type Backlog } from '../consumers/backlog';
import { startPrivateBroker } from '../consumers/broker';
import { bareConsume, produce } from '../consumers/measure';
import { machine, snapshot, usageBetween, type CpuUsage } from '../referrals/cpu';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const KAFKA_PORT = Number(process.env['BENCH_KAFKA_PORT'] ?? 19_192);
const REPORT = process.env['BENCH_REPORT'] ?? '/tmp/bench-analytics.md';
const repoRoot = resolve(__dirname, '..', '..');
const run = uniqueName('bench').replace(/-/g, '_');
const topic = Topics.referralLifecycle.name;

interface Rebuild {
  /** From the command's start until every fact was stored. */
  factsSeconds: number;
  /** From the command's start until it exited (reads switched to the new generation). */
  switchSeconds: number;
  eventsPerSecond: number;
  summary: { generation: number; durationMs: number; eventsPerSecond: number };
  totals: FactTotals;
  exact: boolean;
  cpu: CpuUsage;
}

function expectedTotals(backlog: Backlog): FactTotals {
  const e = backlog.expected;
  return {
    submitted: e.submitted,
    accepted: e.referrals,
    started: e.referrals,
    completed: e.completed,
    pairs: e.wellbeingPairs,
  };
}

async function rebuild(brokers: string[], db: Db, backlog: Backlog): Promise<Rebuild> {
  const want = expectedTotals(backlog);
  const total = want.submitted + want.accepted + want.started + want.completed;
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      '-r',
      './tools/runtime/register-aliases.js',
      join('dist/services/analytics/src/read-models/rebuild/rebuild-cli.js'),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(','),
        MONGO_URL: mongoUrlWithDatabase(testInfra.mongoUrl, db.databaseName),
        KAFKA_GROUP_ID: `bench-analytics-${run}`,
        LOG_LEVEL: 'warn',
        // No live instance is running: nothing to wait for before the switch.
        READ_MODEL_SWITCH_GRACE_MS: '500',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const cpuFrom = snapshot({ rebuild: child.pid, bench: process.pid });
  let factsAt = 0;
  let cpu: CpuUsage | undefined;
  await waitFor(
    async () => {
      if (!factsAt) {
        // Facts are written to the building generation until the switch, then read from it.
        const state = await db
          .collection<{ _id: string; active?: number; building?: number }>('read_model_generations')
          .findOne({ _id: 'read-models' });
        const generation = state?.building ?? state?.active;
        const now = generation === undefined ? null : await factTotals(db, generation);
        if (now && now.submitted + now.accepted + now.started + now.completed >= total) {
          factsAt = performance.now();
          cpu = usageBetween(cpuFrom, snapshot({ rebuild: child.pid, bench: process.pid }));
        }
      }
      return factsAt > 0 || child.exitCode !== null;
    },
    // Counting is not free on the engine: once a second, so the poll does not slow the rebuild.
    { timeoutMs: 30 * 60_000, intervalMs: 1_000, description: 'rebuild stored every fact' },
  );
  const code = await exited;
  const switchSeconds = (performance.now() - startedAt) / 1000;
  if (code !== 0) throw new Error(`rebuild command exited ${code}`);
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Rebuild['summary'];
  const totals = await factTotals(db, summary.generation);
  const factsSeconds = factsAt ? (factsAt - startedAt) / 1000 : switchSeconds;
  return {
    factsSeconds,
    switchSeconds,
    eventsPerSecond: Math.round(backlog.expected.events / factsSeconds),
    summary,
    totals,
    exact: JSON.stringify(totals) === JSON.stringify(want),
    cpu: cpu ?? usageBetween(cpuFrom, snapshot({ bench: process.pid })),
  };
}

function report(
  engine: string,
  backlog: Backlog,
  produced: number,
  bare: { seconds: number; fromRunSeconds: number },
  r: Rebuild,
  loads: { start: number; end: number },
): string {
  const m = machine();
  const n = backlog.expected.events;
  const bareRate = Math.round(n / bare.seconds);
  return [
    '# Read-model rebuild benchmark',
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${m.cores} CPU (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}. Load average (1 min): ${loads.start} at start, ${loads.end} at end. Engine: ${engine}. Kafka 3.9.1 (a private single-node broker, empty topics); everything on the same cores.`,
    '',
    `Backlog: ${n} referral lifecycle events (${backlog.expected.referrals} referrals x submitted v2, accepted, started, completed) on the 6 partitions of ${topic}, produced in ${produced.toFixed(1)} s.`,
    '',
    '| Consumer | Seconds | Events/s | Ratio to bare | Exact |',
    '| --- | --- | --- | --- | --- |',
    `| Bare kafkajs (fresh group, JSON.parse per record; from group joined to last record) | ${bare.seconds.toFixed(1)} | ${bareRate} | 1.00 | n/a |`,
    `| \`analytics:rebuild\` (compiled; from command start to every fact stored) | ${r.factsSeconds.toFixed(1)} | ${r.eventsPerSecond} | ${(r.eventsPerSecond / bareRate).toFixed(2)} | ${r.exact ? 'yes' : 'NO'} |`,
    '',
    `- Rebuild command start to reads switched to generation ${r.summary.generation} (exit): ${r.switchSeconds.toFixed(1)} s; the command's own figure: ${r.summary.eventsPerSecond} events/s over ${(r.summary.durationMs / 1000).toFixed(1)} s.`,
    `- Facts in the new generation: ${JSON.stringify(r.totals)}.`,
    `- CPU seconds until every fact was stored: ${Object.entries(r.cpu.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (the database and broker are not counted).`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
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
  const db = mongo.db(`bench_analytics_${run}`);
  try {
    const kafka = new Kafka({
      clientId: 'bench-analytics',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics({ brokers: broker.brokers, clientId: 'bench-analytics' }, [
      Topics.referralLifecycle,
      Topics.directory,
    ]);
    const backlog = lifecycleBacklog(Math.ceil(EVENTS / 4));
    const produced = await produce(kafka, topic, backlog);
    console.log(`Produced ${backlog.expected.events} events in ${produced.toFixed(1)} s`);
    const bare = await bareConsume(kafka, topic, backlog.expected.events, `bench-bare-${run}`);
    console.log(`Bare kafkajs: ${Math.round(backlog.expected.events / bare.seconds)} events/s`);
    const r = await rebuild(broker.brokers, db, backlog);
    console.log(`Rebuild: ${JSON.stringify(r)}`);
    const text = report(engine, backlog, produced, bare, r, {
      start: loadStart,
      end: +(loadavg()[0] ?? 0).toFixed(2),
    });
    await writeFile(REPORT, text);
    console.log(`\n${text}\nWritten to ${REPORT}`);
    if (!r.exact) process.exitCode = 1;
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
