import { createHash } from 'node:crypto';
import { DomainError } from '@sp/errors';
import type { HsdsStore, HsdsTable, HsdsWriteResult, Provenance } from '../hsds/hsds-store.port';
import { WRITE_ORDER, decomposeFlat, decomposeService, type Candidate } from './domain/decompose-service';
import type { QuarantineEntry, QuarantineReason } from './domain/quarantine-reason';

export const IMPORT_FORMATS = ['json', 'ndjson', 'csv-dir'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ImportStatus = 'running' | 'completed' | 'failed';

export interface TableCounts {
  created: number;
  updated: number;
  unchanged: number;
  quarantined: number;
}

/** The state of an import: progress while it runs, the report once it is done. */
export interface ImportReport {
  importId: string;
  format: ImportFormat;
  status: ImportStatus;
  startedAt: string;
  finishedAt?: string;
  /** Input elements read so far (services for JSON/NDJSON, rows for CSV). */
  processed: number;
  /** Input elements per second since the start. */
  ratePerSecond: number;
  counts: Record<HsdsTable, TableCounts>;
  quarantinedTotal: number;
  /** Why the import stopped early (status failed); what was written before stays. */
  error?: string;
}

/** One input element: a nested service (JSON/NDJSON) or a flat record of `table` (CSV). */
export interface ImportElement {
  index: number;
  value?: unknown;
  /** Set when the element could not be read (malformed JSON line). */
  error?: string;
  /** Flat record of this table; absent = a nested HSDS service. */
  table?: HsdsTable;
  file?: string;
}

/** Where the runner records progress and quarantined records (the imports collections). */
export interface ImportJournal {
  progress(report: ImportReport): Promise<void>;
  quarantine(importId: string, entries: QuarantineEntry[]): Promise<void>;
}

export interface RunImportOptions {
  importId: string;
  format: ImportFormat;
  source: AsyncIterable<ImportElement>;
  store: HsdsStore;
  journal: ImportJournal;
  /** Input elements validated and written together (bounds memory). */
  batchSize?: number;
  /** Upserts in flight at once when a batch is written record by record (after a store rejection). */
  concurrency?: number;
  /** Minimum time between two progress writes. */
  progressIntervalMs?: number;
  now?: () => Date;
}

export interface ImportResult {
  report: ImportReport;
}

function emptyCounts(): Record<HsdsTable, TableCounts> {
  const counts = {} as Record<HsdsTable, TableCounts>;
  for (const table of WRITE_ORDER) counts[table] = { created: 0, updated: 0, unchanged: 0, quarantined: 0 };
  return counts;
}

/** The report of an import that has not read anything yet. */
export function initialReport(importId: string, format: ImportFormat, now = new Date()): ImportReport {
  return {
    importId,
    format,
    status: 'running',
    startedAt: now.toISOString(),
    processed: 0,
    ratePerSecond: 0,
    counts: emptyCounts(),
    quarantinedTotal: 0,
  };
}

function fingerprint(record: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(record)).digest('base64');
}

interface BatchItem {
  element: ImportElement;
  candidates: Candidate[];
}

/** Errors that say "this record is not acceptable" (quarantine it) rather than "the store failed". */
function isRecordRejection(error: unknown): error is DomainError {
  return error instanceof DomainError && error.status >= 400 && error.status < 500;
}

/**
 * Runs one import: reads elements as the source yields them (the source is pulled, so a slow store
 * slows the reading: backpressure), validates each batch, resolves references against what this
 * import already wrote and then the store, and upserts the good records table by table
 * (taxonomies, terms, organizations, locations, services, service_at_locations), one `upsertMany`
 * per table and batch. A bad record is
 * quarantined with every reason and never written, so the stored version of it stays as it was.
 * Memory: one batch plus the ids (and a hash) of the records this import wrote.
 */
export class ImportRunner {
  private readonly counts = emptyCounts();
  /** id -> fingerprint of every record written (or found unchanged) by this import. */
  private readonly accepted = new Map<HsdsTable, Map<string, string>>();
  /** Ids found in the store by a reference check. */
  private readonly inStore = new Map<HsdsTable, Set<string>>();
  private readonly quarantinedKeys = new Set<string>();
  private readonly provenance: Provenance;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly progressIntervalMs: number;
  private readonly now: () => Date;
  private readonly started: Date;
  private processed = 0;
  private quarantinedTotal = 0;
  private lastProgress = 0;

  constructor(private readonly opts: RunImportOptions) {
    this.provenance = { updatedBy: `import:${opts.importId}`, source: 'hsds-import' };
    this.batchSize = opts.batchSize ?? 200;
    this.concurrency = opts.concurrency ?? 4;
    this.progressIntervalMs = opts.progressIntervalMs ?? 1000;
    this.now = opts.now ?? (() => new Date());
    this.started = this.now();
    for (const table of WRITE_ORDER) {
      this.accepted.set(table, new Map());
      this.inStore.set(table, new Set());
    }
  }

  async run(): Promise<ImportReport> {
    await this.opts.journal.progress(this.report('running'));
    this.lastProgress = Date.now();
    let batch: BatchItem[] = [];
    try {
      for await (const element of this.opts.source) {
        batch.push({ element, candidates: this.decompose(element) });
        if (batch.length >= this.batchSize) {
          await this.processBatch(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await this.processBatch(batch);
    } catch (error: unknown) {
      const report = this.report('failed', error instanceof Error ? error.message : String(error));
      await this.opts.journal.progress(report);
      return report;
    }
    const report = this.report('completed');
    await this.opts.journal.progress(report);
    return report;
  }

  private decompose(element: ImportElement): Candidate[] {
    const table = element.table ?? 'services';
    if (element.error !== undefined) {
      return [
        {
          table,
          id: null,
          record: {},
          reasons: [{ field: '', code: 'malformed-json', message: element.error }],
          refs: [],
        },
      ];
    }
    if (element.table !== undefined) {
      return decomposeFlat(element.table, element.value as Record<string, unknown>);
    }
    return decomposeService(element.value);
  }

  private report(status: ImportStatus, error?: string): ImportReport {
    const elapsed = Math.max(1, this.now().getTime() - this.started.getTime()) / 1000;
    return {
      importId: this.opts.importId,
      format: this.opts.format,
      status,
      startedAt: this.started.toISOString(),
      ...(status === 'running' ? {} : { finishedAt: this.now().toISOString() }),
      processed: this.processed,
      ratePerSecond: Math.round((this.processed / elapsed) * 10) / 10,
      counts: structuredClone(this.counts),
      quarantinedTotal: this.quarantinedTotal,
      ...(error === undefined ? {} : { error }),
    };
  }

  private async processBatch(batch: BatchItem[]): Promise<void> {
    const quarantined: QuarantineEntry[] = [];
    for (const table of WRITE_ORDER) {
      const stage: Array<{ item: BatchItem; candidate: Candidate }> = [];
      for (const item of batch) {
        for (const candidate of item.candidates)
          if (candidate.table === table) stage.push({ item, candidate });
      }
      if (stage.length === 0) continue;
      await this.lookUpReferences(stage.map((s) => s.candidate));
      const byId = new Map<string, Candidate[]>();
      for (const { item, candidate } of stage) {
        const reasons = [...candidate.reasons, ...this.unresolved(candidate)];
        if (reasons.length > 0 || candidate.id === null) {
          this.quarantine(quarantined, item.element, candidate, reasons);
          continue;
        }
        const group = byId.get(candidate.id);
        if (group) group.push(candidate);
        else byId.set(candidate.id, [candidate]);
      }
      await this.writeGroups(table, [...byId.values()], batch, quarantined);
    }
    this.processed += batch.length;
    if (quarantined.length > 0) await this.opts.journal.quarantine(this.opts.importId, quarantined);
    if (Date.now() - this.lastProgress >= this.progressIntervalMs) {
      this.lastProgress = Date.now();
      await this.opts.journal.progress(this.report('running'));
    }
  }

  /** One store query per referenced table for the ids neither this import nor earlier checks know. */
  private async lookUpReferences(candidates: Candidate[]): Promise<void> {
    const wanted = new Map<HsdsTable, Set<string>>();
    for (const candidate of candidates) {
      for (const ref of candidate.refs) {
        if (this.known(ref.table, ref.id)) continue;
        let ids = wanted.get(ref.table);
        if (!ids) wanted.set(ref.table, (ids = new Set()));
        ids.add(ref.id);
      }
    }
    for (const [table, ids] of wanted) {
      const found = await this.opts.store.existing(table, [...ids]);
      const known = this.inStore.get(table);
      for (const id of found) known?.add(id);
    }
  }

  private known(table: HsdsTable, id: string): boolean {
    return (this.accepted.get(table)?.has(id) ?? false) || (this.inStore.get(table)?.has(id) ?? false);
  }

  private unresolved(candidate: Candidate): QuarantineReason[] {
    return candidate.refs
      .filter((ref) => !this.known(ref.table, ref.id))
      .map((ref) => ({
        field: ref.field,
        code: ref.code,
        message:
          ref.code === 'unknown-taxonomy-term'
            ? `taxonomy term ${ref.id} is neither in the directory nor in this import`
            : `${ref.table} ${ref.id} is neither in the directory nor in this import (or was quarantined)`,
      }));
  }

  private quarantine(
    into: QuarantineEntry[],
    element: ImportElement,
    candidate: Candidate,
    reasons: QuarantineReason[],
  ): void {
    const key = `${candidate.table}\u0000${candidate.id ?? `#${element.index}`}\u0000${fingerprint(candidate.record)}`;
    if (this.quarantinedKeys.has(key)) return; // the same bad record repeated (an organization of many services)
    this.quarantinedKeys.add(key);
    this.counts[candidate.table].quarantined += 1;
    this.quarantinedTotal += 1;
    const entry: QuarantineEntry = {
      table: candidate.table,
      id: candidate.id,
      index: element.index,
      reasons:
        reasons.length > 0
          ? reasons
          : [{ field: 'id', code: 'missing-required-field', message: 'the record has no id' }],
    };
    if (element.file !== undefined) entry.file = element.file;
    into.push(entry);
  }

  /**
   * Writes a table's good records of the batch with one `upsertMany` (records repeated with the same
   * content, such as an organization shared by several services, are written once). If the store
   * rejects a record, the batch is written record by record so only the rejected ones are
   * quarantined.
   */
  private async writeGroups(
    table: HsdsTable,
    groups: Candidate[][],
    batch: BatchItem[],
    quarantined: QuarantineEntry[],
  ): Promise<void> {
    const accepted = this.accepted.get(table) as Map<string, string>;
    const pending: Array<{ candidate: Candidate; fp: string }> = [];
    for (const group of groups) {
      let last = accepted.get(group[0]?.id as string);
      for (const candidate of group) {
        const fp = fingerprint(candidate.record);
        if (fp === last) continue; // already written by this import (a shared organization)
        pending.push({ candidate, fp });
        last = fp;
      }
    }
    if (pending.length === 0) return;
    let outcomes: HsdsWriteResult[];
    try {
      outcomes = await this.opts.store.upsertMany(
        table,
        pending.map(({ candidate }) => ({ ...candidate.record, id: candidate.id as string })),
        this.provenance,
      );
    } catch (error: unknown) {
      if (!isRecordRejection(error)) throw error;
      await this.writeOneByOne(table, groups, batch, quarantined);
      return;
    }
    pending.forEach(({ candidate, fp }, i) => {
      const outcome = outcomes[i]?.outcome;
      if (outcome === undefined)
        throw new Error(`the store returned no outcome for ${table}/${candidate.id}`);
      accepted.set(candidate.id as string, fp);
      this.counts[table][outcome] += 1;
    });
  }

  private async writeOneByOne(
    table: HsdsTable,
    groups: Candidate[][],
    batch: BatchItem[],
    quarantined: QuarantineEntry[],
  ): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const group = groups[next];
        next += 1;
        if (group) for (const candidate of group) await this.write(table, candidate, batch, quarantined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.length) }, worker));
  }

  private async write(
    table: HsdsTable,
    candidate: Candidate,
    batch: BatchItem[],
    quarantined: QuarantineEntry[],
  ): Promise<void> {
    const id = candidate.id as string;
    const fp = fingerprint(candidate.record);
    const accepted = this.accepted.get(table) as Map<string, string>;
    if (accepted.get(id) === fp) return; // already written by this import (a shared organization)
    try {
      const { outcome } = await this.opts.store.upsert(table, { ...candidate.record, id }, this.provenance);
      accepted.set(id, fp);
      this.counts[table][outcome] += 1;
    } catch (error: unknown) {
      if (!isRecordRejection(error)) throw error;
      const element = batch.find((item) => item.candidates.includes(candidate))?.element ?? { index: -1 };
      const reasons: QuarantineReason[] =
        error.problems.length > 0
          ? error.problems.map((p) => ({ field: p.field, code: 'rejected-by-store', message: p.message }))
          : [{ field: '', code: 'rejected-by-store', message: error.message }];
      this.quarantine(quarantined, element, candidate, reasons);
    }
  }
}

export function runImport(opts: RunImportOptions): Promise<ImportReport> {
  return new ImportRunner(opts).run();
}
