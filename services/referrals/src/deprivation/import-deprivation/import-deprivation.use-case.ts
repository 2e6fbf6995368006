import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import {
  imdColumns,
  onspdColumns,
  parseImdRow,
  parseOnspdRow,
  type DeprivationRow,
  type PostcodeSkip,
} from '../domain/deprivation-rows';
import type { DeprivationRepository } from '../deprivation.repository';

export interface DeprivationImportReport {
  imd: { rowsRead: number; lsoas: number; skipped: { malformed: number } };
  postcodes: {
    rowsRead: number;
    created: number;
    updated: number;
    unchanged: number;
    skipped: Record<PostcodeSkip, number>;
  };
}

/** CSV records (arrays of fields, header first), as csv-parse yields them. */
export type CsvRecords = AsyncIterable<string[]>;

const BATCH = 1000;

/**
 * Imports the deprivation table: reads the IMD 2019 File 1 into memory (about 33,000 English
 * LSOAs), then streams the ONS Postcode Directory (about 2.7 million postcodes) joining each
 * postcode's LSOA to its decile and storing the result in batches of 1,000 (bounded memory).
 * Idempotent: a second import of the same files creates and updates nothing. Postcodes that a
 * later directory no longer lists are kept (a patient's old postcode still finds its area).
 */
export async function importDeprivation(
  repository: Pick<DeprivationRepository, 'upsertBatch'>,
  files: { imd: CsvRecords; postcodes: CsvRecords },
  opts: { onProgress?: (report: DeprivationImportReport) => void } = {},
): Promise<DeprivationImportReport> {
  const report: DeprivationImportReport = {
    imd: { rowsRead: 0, lsoas: 0, skipped: { malformed: 0 } },
    postcodes: {
      rowsRead: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: { bad_postcode: 0, no_lsoa: 0, not_in_imd: 0, malformed: 0 },
    },
  };
  const deciles = await readDeciles(files.imd, report);

  let columns: ReturnType<typeof onspdColumns> | undefined;
  let batch: DeprivationRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await repository.upsertBatch(batch);
    report.postcodes.created += outcome.created;
    report.postcodes.updated += outcome.updated;
    report.postcodes.unchanged += outcome.unchanged;
    batch = [];
    opts.onProgress?.(report);
  };
  for await (const fields of files.postcodes) {
    if (columns === undefined) {
      columns = onspdColumns(fields);
      if (columns === null) throw new Error('ONSPD file: the header must name the columns pcds and lsoa11');
      continue;
    }
    report.postcodes.rowsRead += 1;
    const outcome = parseOnspdRow(fields, columns!, deciles);
    if ('skip' in outcome) report.postcodes.skipped[outcome.skip] += 1;
    else batch.push(outcome.row);
    if (batch.length >= BATCH) await flush();
  }
  if (columns === undefined) throw new Error('ONSPD file: empty');
  await flush();
  return report;
}

async function readDeciles(
  records: CsvRecords,
  report: DeprivationImportReport,
): Promise<Map<string, number>> {
  const deciles = new Map<string, number>();
  let columns: ReturnType<typeof imdColumns> | undefined;
  for await (const fields of records) {
    if (columns === undefined) {
      columns = imdColumns(fields);
      if (columns === null)
        throw new Error(
          'IMD file: the header must name the columns "LSOA code (2011)" and "Index of Multiple Deprivation (IMD) Decile"',
        );
      continue;
    }
    report.imd.rowsRead += 1;
    const outcome = parseImdRow(fields, columns!);
    if ('skip' in outcome) report.imd.skipped.malformed += 1;
    else deciles.set(outcome.lsoa, outcome.decile);
  }
  if (columns === undefined) throw new Error('IMD file: empty');
  report.imd.lsoas = deciles.size;
  return deciles;
}

/** A CSV file's records, streamed (RFC 4180 quoting, a byte-order mark dropped, blank lines skipped). */
export function csvFile(path: string): CsvRecords {
  return createReadStream(path).pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }),
  );
}
