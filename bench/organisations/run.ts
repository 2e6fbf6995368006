// Directory import benchmark (`npm run bench:directory`; infra from `bash infra/local/platform.sh start`).
//
// Generates a deterministic HSDS 3.0 directory (BENCH_SERVICES services, default 50,000) as NDJSON,
// then imports it with the production import command (`directory:import --stats`: streaming parser,
// validation, reference checks, HSDS store upserts with provenance and outbox) into a fresh
// database, and reports services/s and the importer's peak memory (RSS and V8 heap, sampled every
// 100 ms by the importer itself; the process's VmHWM from /proc as a cross-check on Linux).
//
// Then measures match latency over that directory (match-latency.ts): sample postcode table,
// assurance evidence for every organisation, an API client; the compiled organisations service
// (`npm run build` first, skipped with BENCH_BUILD=0) booted against the database; BENCH_MATCHES
// (default 200) POST /v1/directory/match requests one at a time with varied needs and places.
//
// Env: MONGO_URL (server; a fresh database is created and dropped), BENCH_SERVICES (default 50000),
// BENCH_MATCHES (default 200; 0 skips the match phase), BENCH_KEEP_DB=1 to keep the database.
import { spawn, spawnSync } from 'node:child_process';
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { testDatabaseName, testInfra } from '@sp/testing';
import { writeDirectory } from './generate-directory';
import { measureMatchLatency, type MatchLatencyReport } from './match-latency';

const SERVICES = Number(process.env['BENCH_SERVICES'] ?? 50_000);
const MATCHES = Number(process.env['BENCH_MATCHES'] ?? 200);
const MiB = 1024 * 1024;
const CLI = 'services/organisations/src/import/import-cli.ts';

interface CliReport {
  status: string;
  processed: number;
  quarantinedTotal: number;
  error?: string;
  counts: Record<string, { created: number; updated: number; unchanged: number; quarantined: number }>;
  stats: { seconds: number; peakRssMiB: number; peakHeapUsedMiB: number };
}

/** Peak RSS of a running process as the kernel counts it (VmHWM), polled until it exits. */
async function kernelPeakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function runCli(file: string, mongoUrl: string): Promise<{ report: CliReport; vmHwm: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, file, '--format', 'ndjson', '--stats'], {
    env: { ...process.env, MONGO_URL: mongoUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  let vmHwm = 0;
  const poll = setInterval(() => {
    if (child.pid !== undefined) void kernelPeakRss(child.pid).then((v) => (vmHwm = Math.max(vmHwm, v)));
  }, 200);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  if (code !== 0 && out.trim() === '') throw new Error(`directory:import exited with ${code}`);
  return { report: JSON.parse(out) as CliReport, vmHwm };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-directory-'));
  const file = join(dir, 'directory.ndjson');
  const db = testDatabaseName('bench_directory');
  const mongoUrl = testInfra.mongoUrlFor(db);
  try {
    const genStart = Date.now();
    await writeDirectory(file, SERVICES);
    const bytes = (await stat(file)).size;
    process.stderr.write(
      `generated ${SERVICES} services (${(bytes / MiB).toFixed(1)} MiB) in ${Date.now() - genStart} ms; importing into ${db}\n`,
    );
    const { report, vmHwm } = await runCli(file, mongoUrl);
    const seconds = report.stats.seconds;
    const records = Object.values(report.counts).reduce(
      (sum, c) => sum + c.created + c.updated + c.unchanged,
      0,
    );
    let match: MatchLatencyReport | undefined;
    if (MATCHES > 0 && report.status === 'completed') {
      if (process.env['BENCH_BUILD'] !== '0') {
        process.stderr.write('building the services (npm run build) for the match phase\n');
        const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (build.status !== 0) throw new Error(`npm run build exited with ${build.status}`);
      }
      match = await measureMatchLatency(mongoUrl, MATCHES);
    }
    const summary = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
        node: process.version,
      },
      services: SERVICES,
      inputMiB: Math.round((bytes / MiB) * 10) / 10,
      status: report.status,
      seconds,
      servicesPerSecond: Math.round((report.processed / seconds) * 10) / 10,
      recordsWritten: records,
      recordsPerSecond: Math.round((records / seconds) * 10) / 10,
      counts: report.counts,
      quarantined: report.quarantinedTotal,
      memory: {
        peakRssMiB: report.stats.peakRssMiB,
        peakHeapUsedMiB: report.stats.peakHeapUsedMiB,
        kernelPeakRssMiB: Math.round(vmHwm / MiB),
      },
      ...(report.error ? { error: report.error } : {}),
      ...(match ? { match } : {}),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n\n`);
    process.stdout.write(
      [
        '| Services | Input | Time | Services/s | Records/s | Peak RSS | Peak heap | Quarantined |',
        '| -------: | ----: | ---: | ---------: | --------: | -------: | --------: | ----------: |',
        `| ${SERVICES.toLocaleString('en-GB')} | ${summary.inputMiB} MiB | ${seconds} s | ${summary.servicesPerSecond} | ${summary.recordsPerSecond} | ${summary.memory.peakRssMiB} MiB | ${summary.memory.peakHeapUsedMiB} MiB | ${summary.quarantined} |`,
      ].join('\n') + '\n',
    );
    if (match) {
      process.stdout.write(
        [
          '',
          '| Services | Match requests | p50 | p90 | p99 | Max | Results (min/p50/max) | Eligible (p50/max) | Service peak RSS | Snapshot first build | First match |',
          '| -------: | -------------: | --: | --: | --: | --: | --------------------: | -----------------: | ---------------: | -------------------: | ----------: |',
          `| ${SERVICES.toLocaleString('en-GB')} | ${match.requests} | ${match.latencyMs.p50} ms | ${match.latencyMs.p90} ms | ${match.latencyMs.p99} ms | ${match.latencyMs.max} ms | ${match.results.min}/${match.results.p50}/${match.results.max} | ${match.eligibleTotal.p50}/${match.eligibleTotal.max} | ${match.serviceKernelPeakRssMiB} MiB | ${match.snapshot.firstBuildMs ?? '?'} ms | ${match.snapshot.firstMatchMs} ms |`,
        ].join('\n') + '\n',
      );
    }
  } finally {
    if (process.env['BENCH_KEEP_DB'] !== '1') {
      const client = await MongoClient.connect(mongoUrl);
      await client
        .db(db)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:directory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
