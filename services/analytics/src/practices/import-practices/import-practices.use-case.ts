import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse';
import {
  PracticeListTally,
  gpRegistrationFileOf,
  missingColumns,
  parseAgeRow,
  parseMapRow,
  type CsvRecord,
  type GpRegistrationFile,
  type ListProblem,
  type PracticeList,
  type PracticeMapping,
} from '../domain/gp-registrations';
import type { PracticeRepository, PracticeWriteOutcome } from '../practice.repository';

export interface FileReport {
  file: string;
  kind: GpRegistrationFile;
  rowsRead: number;
  skipped: Record<string, number>;
}

export interface PracticeImportReport extends PracticeWriteOutcome {
  files: FileReport[];
  /** Files in a given directory that are not one of the three read (e.g. the -all or quinary files). */
  ignoredFiles: string[];
  practicesMapped: number;
  practicesWithLists: number;
  /** Practices whose list was left out (a sex missing, an ALL row that disagrees). */
  listProblems: ListProblem[];
}

/**
 * The files to read from the CLI's arguments: a directory contributes the files it holds that are
 * one of the three known ones; a file named explicitly must be one of them.
 */
export async function gpRegistrationFiles(
  paths: string[],
): Promise<{ files: Array<{ path: string; kind: GpRegistrationFile }>; ignored: string[] }> {
  const files: Array<{ path: string; kind: GpRegistrationFile }> = [];
  const ignored: string[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    if ((await stat(p)).isDirectory()) {
      for (const name of (await readdir(p)).sort()) {
        const kind = gpRegistrationFileOf(name);
        if (kind) files.push({ path: join(p, name), kind });
        else ignored.push(join(p, name));
      }
    } else {
      const kind = gpRegistrationFileOf(basename(p));
      if (!kind)
        throw new Error(
          `${p}: not a file this import reads (gp-reg-pat-prac-map*.csv, gp-reg-pat-prac-sing-age-female*.csv, gp-reg-pat-prac-sing-age-male*.csv)`,
        );
      files.push({ path: p, kind });
    }
  }
  if (files.length === 0) throw new Error('No GP registration files found');
  return { files, ignored };
}

/** Rows of a CSV file as records keyed by its header, streamed (bounded memory). */
async function* csvRecords(path: string, kind: GpRegistrationFile): AsyncIterable<CsvRecord> {
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        const columns = header.map((h) => h.trim().toUpperCase());
        const missing = missingColumns(kind, columns);
        if (missing.length > 0) throw new Error(`${path}: the header lacks ${missing.join(', ')}`);
        return columns;
      },
    }),
  );
  for await (const record of parser) yield record as CsvRecord;
}

/**
 * Imports NHS Digital's GP registration files into the practice registry: the mapping file gives
 * each practice's PCN, sub-ICB location and ICB; the female and male single-year-of-age files give
 * its list by age band and sex. Re-runnable: a second import of the same files changes nothing.
 */
export async function importPractices(
  repository: Pick<PracticeRepository, 'apply'>,
  files: Array<{ path: string; kind: GpRegistrationFile }>,
  ignoredFiles: string[] = [],
): Promise<PracticeImportReport> {
  const mappings = new Map<string, PracticeMapping>();
  const tally = new PracticeListTally();
  const reports: FileReport[] = [];
  for (const { path, kind } of files) {
    const report: FileReport = { file: path, kind, rowsRead: 0, skipped: {} };
    const skip = (reason: string) => (report.skipped[reason] = (report.skipped[reason] ?? 0) + 1);
    for await (const record of csvRecords(path, kind)) {
      report.rowsRead += 1;
      if (kind === 'map') {
        const outcome = parseMapRow(record);
        if ('skip' in outcome) skip(outcome.skip);
        else mappings.set(outcome.mapping.odsCode, outcome.mapping);
      } else {
        const outcome = parseAgeRow(record, kind === 'age-female' ? 'female' : 'male');
        if ('skip' in outcome) skip(outcome.skip);
        else tally.add(outcome.count);
      }
    }
    reports.push(report);
  }
  const { lists, problems } = tally.lists();
  const changes = new Map<string, { mapping?: PracticeMapping; list?: PracticeList }>();
  for (const [ods, mapping] of mappings) changes.set(ods, { mapping });
  for (const [ods, list] of lists) changes.set(ods, { ...changes.get(ods), list });
  const written = await repository.apply(changes);
  return {
    ...written,
    files: reports,
    ignoredFiles,
    practicesMapped: mappings.size,
    practicesWithLists: lists.size,
    listProblems: problems,
  };
}
