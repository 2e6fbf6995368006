/**
 * Bulk import of an HSDS 3.0 file into the organisations database, without the HTTP API:
 *
 *   npm run directory:import -- <file|dir> [--format json|ndjson|csv-dir]
 *   (= node -r ./tools/runtime/register-aliases.js dist/services/organisations/src/import/import-cli.js ...)
 *
 * Writes through the same store as the service (MONGO_URL, as the service's config reads it), so
 * records, provenance and directory events land exactly as an API import would leave them. The CLI
 * only writes: the events wait in the documents' outbox and go to Kafka when the running
 * organisations service's outbox relay next polls (start the service to publish them).
 * Prints the report as JSON; exit code 0 when the import completed (even with quarantined
 * records), 1 when it failed.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { connectMongo } from '@sp/persistence';
import { HsdsStoreRepository } from '../hsds/hsds-store.repository';
import { loadServiceConfig } from '../service.config';
import { IMPORT_FORMATS, initialReport, runImport, type ImportFormat } from './import-runner';
import { fileElements, formatFromName } from './import-source';
import { ImportRepository } from './import.repository';

interface CliArgs {
  path: string;
  format?: ImportFormat;
  /** Add elapsed time and peak memory (RSS, V8 heap; sampled every 100 ms) to the output. */
  stats?: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  let path: string | undefined;
  let format: ImportFormat | undefined;
  let stats = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--stats') {
      stats = true;
    } else if (arg === '--format') {
      const value = argv[i + 1];
      i += 1;
      if (!(IMPORT_FORMATS as readonly string[]).includes(value ?? '')) {
        throw new Error(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
      }
      format = value as ImportFormat;
    } else if (arg.startsWith('--format=')) {
      return parseArgs([...argv.slice(0, i), '--format', arg.slice(9), ...argv.slice(i + 1)]);
    } else if (path === undefined) {
      path = arg;
    } else {
      throw new Error(`Unexpected argument ${arg}`);
    }
  }
  if (path === undefined) {
    throw new Error('usage: directory:import <file|dir> [--format json|ndjson|csv-dir] [--stats]');
  }
  return { path, stats, ...(format === undefined ? {} : { format }) };
}

const MiB = 1024 * 1024;

/** Peak RSS and V8 heap of this process, sampled every 100 ms until stopped. */
function sampleMemory(): { stop: () => { rss: number; heapUsed: number } } {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const info = await stat(args.path);
  const format = args.format ?? formatFromName(args.path, info.isDirectory());
  const config = loadServiceConfig();
  const connection = await connectMongo(config.MONGO_URL);
  try {
    const store = new HsdsStoreRepository(connection);
    await store.ensureIndexes();
    await store.seedPlatformTaxonomy();
    const journal = new ImportRepository(connection);
    await journal.ensureIndexes();
    const importId = randomUUID();
    const started = initialReport(importId, format);
    await journal.begin(started, {
      runner: 'cli',
      requestedBy: `cli:${userInfo().username}`,
      source: { name: basename(args.path), ...(info.isFile() ? { bytes: info.size } : {}) },
    });
    const memory = sampleMemory();
    const start = process.hrtime.bigint();
    const report = await runImport({
      importId,
      format,
      source: fileElements(args.path, format),
      store,
      journal: {
        progress: async (r) => {
          await journal.progress(r);
          if (r.status === 'running')
            process.stderr.write(`import ${importId}: ${r.processed} read, ${r.ratePerSecond}/s\n`);
        },
        quarantine: (id, entries) => journal.quarantine(id, entries),
      },
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const peak = memory.stop();
    const { items } = await journal.quarantinePage(importId, 20, 0);
    process.stdout.write(
      `${JSON.stringify(
        {
          ...report,
          firstQuarantined: items.map(({ _id: _i, importId: _m, ...entry }) => entry),
          ...(args.stats
            ? {
                stats: {
                  seconds: Math.round(seconds * 100) / 100,
                  peakRssMiB: Math.round(peak.rss / MiB),
                  peakHeapUsedMiB: Math.round(peak.heapUsed / MiB),
                },
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
    process.stderr.write(
      'Events wait in the outbox of the written documents; the running organisations service publishes them.\n',
    );
    return report.status === 'completed' ? 0 : 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `directory import failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
