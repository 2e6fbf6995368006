// Referrals benchmark: sustained referral creation through the compiled referrals service (JSON
// and FHIR) on the real local stack, against a bare baseline on the same machine in the same run.
//
//   npm run bench:referrals        (runs `npm run build` first; infra: bash infra/local/platform.sh start)
//
// What it does, all in one run:
// 1. Serves a JWKS from an in-process HTTP server with a fresh ES256 key and signs one access token
//    (TokenIssuer from @sp/identity) for a referrer at org-bench-practice, ODS A99999: no
//    organisations service needed.
// 2. Starts dist/services/referrals (a child process, like scripts/start.sh) with a fresh database,
//    its own Kafka consumer group and BullMQ prefix, its JWKS/issuer pointing at (1).
// 3. Feeds its directory replica through Kafka: organisation.registered + organisation.verified +
//    service.published v2 for a bench service, then waits until a referral to it is accepted (201).
// 4. Starts the bare baseline (baseline-server.ts, compiled, its own process): node:http + JSON.parse
//    + one insertOne through the mongodb driver into the same MongoDB-wire server (SecantusDB locally).
// 5. Drives each scenario with the same closed-loop load generator (C keep-alive clients, warm-up W
//    seconds, then D seconds measured): baseline, JSON POST /v1/referrals (unique Idempotency-Key
//    each), FHIR POST /fhir transaction Bundle and POST /fhir/ServiceRequest (conditional create;
//    skipped with a note when GET /fhir/metadata or the route does not answer). After each service
//    scenario it waits for the outbox relay to publish the backlog (not measured in req/s, reported).
// 6. Prints the machine, req/s, p50/p90/p99/max latency, errors, CPU seconds per component, the
//    service/baseline ratios and whether the aims are met; writes bench/results/referrals-<time>.json
//    and prints a markdown snippet for docs/benchmarks.md.
//
// Env: BENCH_CONCURRENCY (32), BENCH_DURATION_S (20), BENCH_WARMUP_S (3), BENCH_SCENARIOS
// (baseline,json,fhir-bundle,fhir-servicerequest), BENCH_LOG_LEVEL (service LOG_LEVEL, info),
// BENCH_DRAIN_TIMEOUT_S (180), BENCH_KEEP_DB (1 keeps the database and queue keys),
// BENCH_SERVICE_NODE_ARGS (extra node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"),
// KAFKA_BROKERS / MONGO_URL / REDIS_URL (as @sp/testing reads them).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import {
  OrganisationRegisteredV1,
  OrganisationVerifiedV1,
  ServicePublishedV2,
  Topics,
  createEnvelope,
  toKafkaRecord,
  type EventEnvelope,
} from '@sp/contracts';
import { TokenIssuer } from '@sp/identity';
import { ensureTopics } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { testInfra, uniqueName } from '@sp/testing';
import { Redis } from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { machine, snapshot, usageBetween, type CpuUsage } from './cpu';
import { runLoad, type LoadResult, type PreparedRequest } from './load';
import {
  NhsNumbers,
  fhirServiceRequest,
  fhirTransaction,
  ifNoneExist,
  jsonReferral,
  type BenchTarget,
} from './payloads';

const repoRoot = resolve(__dirname, '..', '..');
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
};
const CONCURRENCY = Math.round(num('BENCH_CONCURRENCY', 32));
const DURATION_S = num('BENCH_DURATION_S', 20);
const WARMUP_S = num('BENCH_WARMUP_S', 3);
const DRAIN_TIMEOUT_S = num('BENCH_DRAIN_TIMEOUT_S', 180);
const LOG_LEVEL = process.env['BENCH_LOG_LEVEL'] ?? 'info';
const KEEP_DB = process.env['BENCH_KEEP_DB'] === '1';
const SCENARIOS = (process.env['BENCH_SCENARIOS'] ?? 'baseline,json,fhir-bundle,fhir-servicerequest')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const SERVICE_NODE_ARGS = (process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

const AIM_RPS = 500;
const AIM_P99_MS = 100;
const AIM_RATIO = 0.5;
const AUDIENCE = 'social-prescribing';
const PRINCIPAL = {
  clientId: 'bench-gp',
  organisationId: 'org-bench-practice',
  odsCode: 'A99999',
  role: 'referrer' as const,
  scopes: ['referrals:write'],
};

const logger = createLogger('bench-referrals', 'warn');
const run = uniqueName('bench').replace(/-/g, '_');
const database = `bench_referrals_${run}`;
const mongoUrl = testInfra.mongoUrlFor(database);
const resultsDir = join(repoRoot, 'bench', 'results');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A compiled entry point as its own process, output to a log file. */
function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(`${name} exited unexpectedly (code ${code}, signal ${signal}); log: ${logFile}`);
  });
  return child;
}
let stopping = false;

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  child?: ChildProcess,
  log?: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      const tail = log && existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '';
      throw new Error(`${what}: process exited with ${child.exitCode}\n${tail}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** One request outside the load generator (set-up and probes). */
async function post(url: string, req: PreparedRequest): Promise<{ status: number; text: string }> {
  const response = await fetch(url + req.path, { method: 'POST', headers: req.headers, body: req.body });
  return { status: response.status, text: await response.text() };
}

async function serveJwks(issuer: TokenIssuer, port: number): Promise<Server> {
  const body = JSON.stringify(issuer.jwks());
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

/** The directory facts that make the bench service referable, published as the organisations service does. */
async function publishDirectory(providerOrgId: string, serviceId: string): Promise<void> {
  await ensureTopics(
    { brokers: testInfra.kafkaBrokers, clientId: 'bench-referrals-setup' },
    [Topics.directory],
    {
      logger,
    },
  );
  const meta = { source: '/bench/referrals', correlationId: `bench-${run}` };
  const now = new Date().toISOString();
  const envelopes: EventEnvelope[] = [
    createEnvelope(
      OrganisationRegisteredV1,
      { organisationId: providerOrgId, kind: 'vcs', occurredAt: now },
      meta,
    ),
    createEnvelope(OrganisationVerifiedV1, { organisationId: providerOrgId, occurredAt: now }, meta),
    createEnvelope(
      ServicePublishedV2,
      {
        serviceId,
        organisationId: providerOrgId,
        status: 'active',
        taxonomyTermIds: ['sp-need-loneliness', 'sp-need-physical-activity'],
        languages: ['en'],
        occurredAt: now,
      },
      meta,
    ),
  ];
  const producer = new Kafka({
    clientId: 'bench-referrals-setup',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  // One key (the organisation): the three land on one partition, in order.
  await producer.send({
    topic: Topics.directory.name,
    acks: -1,
    messages: envelopes.map((e) => toKafkaRecord(e)),
  });
  await producer.disconnect();
}

interface Scenario {
  name: string;
  label: string;
  url: () => string;
  request: (i: number) => PreparedRequest;
  ok: (status: number) => boolean;
}

interface ScenarioResult {
  name: string;
  label: string;
  load?: LoadResult;
  cpu?: CpuUsage;
  outboxBacklogAtEnd?: number;
  referralsStored?: number;
  /** Database commands (all clients, from `serverStatus.metrics.commands`) per answered request during the phase. */
  dbCommandsPerRequest?: Record<string, number>;
  outboxDrainSeconds?: number;
  skipped?: string;
}

let loadAtStart = 0;
/** The MongoDB-wire server measured (from buildInfo), named in the results. */
let engineLabel = 'unknown engine';
const r0 = (n: number) => Math.round(n);
const r1 = (n: number) => +n.toFixed(1);

async function main(): Promise<void> {
  const serviceEntry = join(repoRoot, 'dist/services/referrals/src/main.js');
  const baselineEntry = join(repoRoot, 'dist/bench/referrals/baseline-server.js');
  for (const entry of [serviceEntry, baselineEntry]) {
    if (!existsSync(entry))
      throw new Error(`${entry} is missing: run \`npm run build\` first (npm run bench:referrals does)`);
  }
  mkdirSync(resultsDir, { recursive: true });
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const serviceLog = join(resultsDir, `referrals-${stamp}.service.log`);
  const baselineLog = join(resultsDir, `referrals-${stamp}.baseline.log`);
  const m = machine();
  console.log(
    `Referrals benchmark ${run}: ${m.cores} CPU (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}`,
  );
  loadAtStart = +(loadavg()[0] ?? 0).toFixed(2);
  if (loadAtStart > m.cores)
    console.log(
      `WARNING: load average ${loadAtStart} on ${m.cores} cores before the run: other work will skew the figures`,
    );
  console.log(
    `concurrency ${CONCURRENCY}, warm-up ${WARMUP_S} s, measured ${DURATION_S} s per scenario; service LOG_LEVEL ${LOG_LEVEL}; database ${database}`,
  );

  // 1. Identity without the organisations service.
  const { privateJwk } = await TokenIssuer.generateKeyPair();
  const jwksPort = await freePort();
  const issuerUrl = `http://127.0.0.1:${jwksPort}`;
  const tokens = new TokenIssuer({ privateJwk, issuer: issuerUrl, audience: AUDIENCE, ttlSeconds: 6 * 3600 });
  const jwks = await serveJwks(tokens, jwksPort);
  const bearer = `Bearer ${(await tokens.issue(PRINCIPAL)).access_token}`;

  const target: BenchTarget = { odsCode: PRINCIPAL.odsCode, serviceId: `svc-bench-${run}`.slice(0, 64) };
  const providerOrgId = `org-bench-provider-${run}`.slice(0, 64);
  const nhs = new NhsNumbers();
  const consentAt = new Date(Date.now() - 60_000).toISOString();
  let seq = 0;
  const jsonRequest = (path: string, key: string): PreparedRequest => {
    seq += 1;
    return {
      path,
      body: jsonReferral(target, nhs.take(), seq, consentAt),
      headers: { authorization: bearer, 'content-type': 'application/json', 'idempotency-key': key },
    };
  };
  const fhirHeaders = {
    authorization: bearer,
    'content-type': 'application/fhir+json',
    accept: 'application/fhir+json',
  };

  let service: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  const mongo = new MongoClient(mongoUrl, { maxPoolSize: 2 });
  const queuePrefix = `bench_${run}`;
  const results: ScenarioResult[] = [];
  const notes: string[] = [];
  try {
    await mongo.connect();
    engineLabel = await engineOf(mongo);
    console.log(`Database engine: ${engineLabel}`);
    // 2. The service.
    const servicePort = await freePort();
    const serviceUrl = `http://127.0.0.1:${servicePort}`;
    service = startProcess(
      'referrals service',
      [...SERVICE_NODE_ARGS, '-r', './tools/runtime/register-aliases.js', serviceEntry],
      {
        NODE_ENV: 'production',
        PORT: String(servicePort),
        MONGO_URL: mongoUrl,
        KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
        REDIS_URL: testInfra.redisUrl,
        JWKS_URL: `${issuerUrl}/.well-known/jwks.json`,
        TOKEN_ISSUER: issuerUrl,
        TOKEN_AUDIENCE: AUDIENCE,
        KAFKA_GROUP_ID: `bench-referrals-${run}`,
        QUEUE_PREFIX: queuePrefix,
        LOG_LEVEL,
      },
      serviceLog,
    );
    const serviceProcess = service;
    await waitUntil(
      `referrals service ready on ${serviceUrl}`,
      120_000,
      async () => (await fetch(`${serviceUrl}/health/ready`)).status === 200,
      serviceProcess,
      serviceLog,
    );

    // 3. The directory replica.
    await publishDirectory(providerOrgId, target.serviceId);
    let lastRefusal = '';
    const replicaStart = Date.now();
    await waitUntil(
      'the directory replica to accept a referral to the bench service',
      240_000,
      async () => {
        const answer = await post(serviceUrl, jsonRequest('/v1/referrals', `bench-${run}-probe-${seq}`));
        if (answer.status === 201) return true;
        if (answer.status !== 422)
          throw new Error(`probe referral answered ${answer.status}: ${answer.text}`);
        lastRefusal = answer.text;
        await sleep(750);
        return false;
      },
      serviceProcess,
      serviceLog,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\nlast refusal: ${lastRefusal}`);
    });
    console.log(`directory replica ready after ${((Date.now() - replicaStart) / 1000).toFixed(1)} s`);

    // 4. The baseline.
    const baselinePort = await freePort();
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    baseline = startProcess(
      'baseline',
      [baselineEntry],
      { PORT: String(baselinePort), MONGO_URL: mongoUrl, BASELINE_COLLECTION: 'baseline_referrals' },
      baselineLog,
    );
    const baselineProcess = baseline;
    await waitUntil(
      'baseline server',
      30_000,
      async () => readFileSync(baselineLog, 'utf8').includes('listening'),
      baselineProcess,
      baselineLog,
    );

    // FHIR routes present?
    const metadata = await fetch(`${serviceUrl}/fhir/metadata`, {
      headers: { authorization: bearer, accept: 'application/fhir+json' },
    });
    const fhirAvailable = metadata.status === 200;
    if (!fhirAvailable)
      notes.push(
        `FHIR skipped: GET /fhir/metadata answered ${metadata.status} (FHIR routes not present in this build)`,
      );

    const scenarios: Scenario[] = [
      {
        name: 'baseline',
        label: 'bare baseline (node:http + JSON.parse + insertOne)',
        url: () => baselineUrl,
        request: () => jsonRequest('/', 'unused-key'),
        ok: (s) => s === 201,
      },
      {
        name: 'json',
        label: 'service JSON POST /v1/referrals',
        url: () => serviceUrl,
        request: (i) => jsonRequest('/v1/referrals', `bench-${run}-json-${i}`),
        ok: (s) => s === 201,
      },
      {
        name: 'fhir-bundle',
        label: 'service FHIR POST /fhir (transaction Bundle)',
        url: () => serviceUrl,
        request: (i) => {
          seq += 1;
          return {
            path: '/fhir',
            body: fhirTransaction(target, nhs.take(), seq, consentAt, `${run}-bundle-${i}`),
            headers: fhirHeaders,
          };
        },
        ok: (s) => s === 200 || s === 201,
      },
      {
        name: 'fhir-servicerequest',
        label: 'service FHIR POST /fhir/ServiceRequest',
        url: () => serviceUrl,
        request: (i) => {
          seq += 1;
          const id = `${run}-sr-${i}`;
          return {
            path: '/fhir/ServiceRequest',
            body: fhirServiceRequest(target, nhs.take(), seq, consentAt, id),
            headers: { ...fhirHeaders, 'if-none-exist': ifNoneExist(id) },
          };
        },
        ok: (s) => s === 201,
      },
    ];

    for (const name of SCENARIOS) {
      const scenario = scenarios.find((s) => s.name === name);
      if (!scenario) throw new Error(`unknown scenario ${name} (BENCH_SCENARIOS)`);
      if (name.startsWith('fhir') && !fhirAvailable) {
        results.push({
          name,
          label: scenario.label,
          skipped: 'GET /fhir/metadata not 200: FHIR routes absent',
        });
        continue;
      }
      // One request first: a route that is missing or refuses the payload is reported, not measured.
      const probe = await post(scenario.url(), scenario.request(-1));
      if (!scenario.ok(probe.status)) {
        const why = `probe answered ${probe.status}: ${probe.text.slice(0, 300)}`;
        console.log(`\n${scenario.label}: SKIPPED (${why})`);
        notes.push(`${name} skipped: ${why}`);
        results.push({ name, label: scenario.label, skipped: why });
        continue;
      }
      const own = {
        'load generator': process.pid,
        service: serviceProcess.pid,
        baseline: baselineProcess.pid,
      };
      let before = snapshot(own);
      let dbBefore: Record<string, number> | undefined;
      const load = await runLoad({
        baseUrl: scenario.url(),
        concurrency: CONCURRENCY,
        warmupSeconds: WARMUP_S,
        durationSeconds: DURATION_S,
        next: (i) => scenario.request(i),
        ok: scenario.ok,
        onMeasureStart: async () => {
          dbBefore = await dbCommands(mongo);
          before = snapshot(own);
        },
      });
      const cpu = usageBetween(before, snapshot(own));
      const dbAfter = await dbCommands(mongo);
      const result: ScenarioResult = { name, label: scenario.label, load, cpu };
      if (dbBefore && dbAfter && load.requests > 0) {
        const perRequest: Record<string, number> = {};
        for (const [command, n] of Object.entries(dbAfter)) {
          const delta = n - (dbBefore[command] ?? 0);
          if (delta > 0) perRequest[command] = +(delta / load.requests).toFixed(2);
        }
        result.dbCommandsPerRequest = perRequest;
      }
      if (name !== 'baseline') {
        const referrals = mongo.db().collection('referrals');
        const drainStart = Date.now();
        result.outboxBacklogAtEnd = await referrals.countDocuments({ outboxPending: true });
        result.referralsStored = await referrals.countDocuments({});
        await waitUntil('outbox drained', DRAIN_TIMEOUT_S * 1000, async () => {
          const pending = await referrals.countDocuments({ outboxPending: true });
          if (pending > 0) await sleep(750);
          return pending === 0;
        }).then(
          () => (result.outboxDrainSeconds = r1((Date.now() - drainStart) / 1000)),
          () => notes.push(`${name}: outbox not drained within ${DRAIN_TIMEOUT_S} s after the scenario`),
        );
      }
      results.push(result);
      printScenario(result);
    }
  } finally {
    stopping = true;
    await Promise.all([stopProcess(service), stopProcess(baseline)]);
    await new Promise((r) => jwks.close(r));
    if (!KEEP_DB) {
      await mongo
        .db()
        .dropDatabase()
        .catch(() => undefined);
      await dropQueueKeys(queuePrefix).catch(() => undefined);
    }
    await mongo.close();
  }

  // 6. Summary.
  const base = results.find((r) => r.name === 'baseline')?.load;
  const summary = results.map((r) => {
    const ratio = base && r.load && r.name !== 'baseline' ? +(r.load.rps / base.rps).toFixed(3) : undefined;
    const aimRps =
      r.load && r.name !== 'baseline'
        ? r.load.rps >= AIM_RPS && r.load.p99Ms < AIM_P99_MS && r.load.errors === 0
        : undefined;
    const aimRatio = ratio !== undefined ? ratio >= AIM_RATIO : undefined;
    return { ...r, ratio, aimRps, aimRatio };
  });
  console.log('\nSummary');
  for (const s of summary) {
    if (s.skipped) {
      console.log(`  ${s.label}: skipped (${s.skipped})`);
      continue;
    }
    if (!s.load) continue;
    const aims =
      s.name === 'baseline'
        ? ''
        : `  ratio ${s.ratio?.toFixed(2) ?? 'n/a'} | aim >=${AIM_RPS}/s p99<${AIM_P99_MS}ms: ${s.aimRps ? 'MET' : 'NOT MET'}; aim ratio >=${AIM_RATIO}: ${s.aimRatio === undefined ? 'n/a' : s.aimRatio ? 'MET' : 'NOT MET'}`;
    console.log(`  ${s.label.padEnd(52)} ${r0(s.load.rps).toString().padStart(6)} req/s${aims}`);
  }
  for (const n of notes) console.log(`  note: ${n}`);

  const file = join(resultsDir, `referrals-${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: 'referrals',
        run,
        startedAt: startedAt.toISOString(),
        machine: m,
        loadAverageAtStart: loadAtStart,
        settings: {
          concurrency: CONCURRENCY,
          warmupSeconds: WARMUP_S,
          durationSeconds: DURATION_S,
          serviceLogLevel: LOG_LEVEL,
        },
        aims: { rps: AIM_RPS, p99Ms: AIM_P99_MS, ratio: AIM_RATIO },
        loadGenerator: 'in the benchmark process on the same cores as the service and the whole stack',
        scenarios: summary,
        notes,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults: ${file}\nservice log: ${serviceLog}`);
  console.log(`\n${markdown(summary, m, startedAt)}`);
}

function printScenario(r: ScenarioResult): void {
  if (!r.load) return;
  const l = r.load;
  console.log(`\n${r.label}`);
  console.log(
    `  ${r0(l.rps)} req/s ok, ${l.requests} answers in ${l.seconds.toFixed(1)} s, errors ${l.errors}; latency p50 ${l.p50Ms.toFixed(1)} ms, p90 ${l.p90Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms`,
  );
  console.log(`  statuses ${JSON.stringify(l.statuses)}`);
  console.log(
    `  over time (${l.timeline.length} slices): ${l.timeline.map((t) => `${t.rps}/s p50 ${t.p50Ms} p99 ${t.p99Ms}`).join(' | ')}`,
  );
  if (r.dbCommandsPerRequest)
    console.log(
      `  database commands per request (whole server): ${Object.entries(r.dbCommandsPerRequest)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  if (r.referralsStored !== undefined)
    console.log(`  referrals in the service's collection after the scenario: ${r.referralsStored}`);
  if (r.cpu) {
    const perRequest = (s: number) => (l.requests > 0 ? ((s * 1000) / l.requests).toFixed(2) : 'n/a');
    const parts = Object.entries(r.cpu.seconds)
      .sort((a, b) => b[1] - a[1])
      .map(([k, s]) => `${k} ${s.toFixed(1)} s (${perRequest(s)} ms/req)`);
    if (r.cpu.otherSeconds !== undefined) parts.push(`other processes ${r.cpu.otherSeconds.toFixed(1)} s`);
    console.log(
      `  CPU: ${parts.join(', ')}; machine busy ${r.cpu.machineBusy !== undefined ? `${(r.cpu.machineBusy * 100).toFixed(0)}%` : 'n/a'}, load average ${r.cpu.loadAverage}`,
    );
  }
  if (r.outboxBacklogAtEnd !== undefined)
    console.log(
      `  outbox: ${r.outboxBacklogAtEnd} referrals with unpublished events at the end, drained in ${r.outboxDrainSeconds ?? '>timeout'} s`,
    );
  for (const e of l.errorSamples) console.log(`  error sample: ${e}`);
}

function markdown(
  summary: Array<ScenarioResult & { ratio?: number; aimRps?: boolean; aimRatio?: boolean }>,
  m: ReturnType<typeof machine>,
  at: Date,
): string {
  const rows = summary
    .filter((s) => s.load)
    .map((s) => {
      const l = s.load as LoadResult;
      const cpu = s.cpu
        ? Object.entries(s.cpu.seconds)
            .filter(([, v]) => v >= 0.5)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .concat(s.cpu.otherSeconds !== undefined ? [`other ${s.cpu.otherSeconds.toFixed(0)}`] : [])
            .join(', ')
        : '';
      return `| ${s.label} | ${r0(l.rps)} | ${l.p50Ms.toFixed(1)} | ${l.p99Ms.toFixed(1)} | ${l.maxMs.toFixed(0)} | ${l.errors} | ${s.ratio?.toFixed(2) ?? ''} | ${cpu} |`;
    });
  return [
    `Date: ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${m.cores} CPU (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}; Kafka, ${engineLabel}, Redis and the load generator on the same cores.`,
    `Concurrency ${CONCURRENCY} keep-alive clients, warm-up ${WARMUP_S} s, ${DURATION_S} s measured per scenario, service LOG_LEVEL ${LOG_LEVEL}. Load average before the run ${loadAtStart}.`,
    '',
    '| Scenario | req/s | p50 ms | p99 ms | max ms | errors | ratio to baseline | CPU s over the phase |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

/** "SecantusDB <version>" or "MongoDB <version>", from buildInfo. */
async function engineOf(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info['secantusVersion'] === 'string'
    ? `SecantusDB ${info['secantusVersion']}`
    : `MongoDB ${String(info['version'])}`;
}

/** The server's per-command counters (`serverStatus.metrics.commands`, MongoDB and SecantusDB), or undefined. */
async function dbCommands(client: MongoClient): Promise<Record<string, number> | undefined> {
  try {
    const status = await client.db('admin').command({ serverStatus: 1 });
    const commands = (status['metrics'] as { commands?: Record<string, { total?: number }> } | undefined)
      ?.commands;
    if (!commands) return undefined;
    const out: Record<string, number> = {};
    for (const [name, counter] of Object.entries(commands)) {
      if (typeof counter?.total === 'number') out[name] = counter.total;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Removes this run's BullMQ keys (delayed deadline jobs) from Redis. */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(testInfra.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
