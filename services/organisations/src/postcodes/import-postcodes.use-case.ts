import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Connection } from 'mongoose';
import {
  onspdColumns,
  parseCodePointRow,
  parseOnspdRow,
  splitCsvLine,
  type PostcodeFormat,
  type PostcodeRow,
  type RowOutcome,
} from './domain/postcode-rows';
import { PostcodeRepository } from './postcode.repository';

export interface PostcodeImportReport {
  format: PostcodeFormat;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: { bad_postcode: number; no_coordinates: number; malformed: number };
}

const BATCH = 1000;

/**
 * The sample table the project ships (ONSPD layout: pcds, lat, long; approximate coordinates):
 * Tees Valley TS1..TS29 and DL, plus a few elsewhere. Found from the sources (ts-jest, tsx) and
 * from the compiled output under dist/.
 */
export function samplePostcodesFile(): string {
  const relative = 'services/organisations/data/postcodes-sample.csv';
  const candidates = [
    resolve(__dirname, '../../data/postcodes-sample.csv'),
    resolve(__dirname, '../../../../..', relative),
    resolve(process.cwd(), relative),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Sample postcode table not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Streams a postcode directory CSV into the `postcodes` collection in batches (bounded memory,
 * whatever the file size). Idempotent: a second import of the same file creates and updates nothing.
 */
export async function importPostcodes(
  repository: PostcodeRepository,
  lines: AsyncIterable<string>,
  format: PostcodeFormat,
  opts: { source?: string; onProgress?: (report: PostcodeImportReport) => void } = {},
): Promise<PostcodeImportReport> {
  const report: PostcodeImportReport = {
    format,
    rowsRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: { bad_postcode: 0, no_coordinates: 0, malformed: 0 },
  };
  let columns: ReturnType<typeof onspdColumns> = null;
  let batch: PostcodeRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await repository.upsertBatch(batch, opts.source ?? format);
    report.created += outcome.created;
    report.updated += outcome.updated;
    report.unchanged += outcome.unchanged;
    batch = [];
    opts.onProgress?.(report);
  };
  for await (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (format === 'onspd' && columns === null) {
      columns = onspdColumns(fields);
      if (columns === null)
        throw new Error('ONSPD file: the header must name the columns pcds, lat and long');
      continue;
    }
    report.rowsRead += 1;
    const outcome: RowOutcome =
      format === 'onspd' ? parseOnspdRow(fields, columns!) : parseCodePointRow(fields);
    if ('skip' in outcome) report.skipped[outcome.skip] += 1;
    else batch.push(outcome.row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return report;
}

/** Lines of a file, streamed. */
export function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

/** Imports the shipped sample table (used by the demo seed and the tests). */
export async function importSamplePostcodes(connection: Connection): Promise<PostcodeImportReport> {
  return importPostcodes(new PostcodeRepository(connection), fileLines(samplePostcodesFile()), 'onspd', {
    source: 'sample',
  });
}
