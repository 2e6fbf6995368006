import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { QuarantineEntry } from './domain/quarantine-reason';
import type { ImportJournal, ImportReport } from './import-runner';

/** Who started an import and what was sent. */
export interface ImportOrigin {
  runner: 'service' | 'cli';
  requestedBy: string;
  source: { name?: string; contentType?: string; bytes?: number };
}

export type ImportDocument = ImportReport & ImportOrigin & { _id: string };

export interface QuarantineDocument extends QuarantineEntry {
  _id: string;
  importId: string;
  seq: number;
}

/**
 * The `imports` collection (one document per import: progress while it runs, then its report) and
 * `import_quarantine` (one document per quarantined record). Each import document has a single
 * writer (the process running the import), so plain `$set` updates are safe on FerretDB.
 */
@Injectable()
export class ImportRepository implements ImportJournal {
  readonly imports: Collection<ImportDocument>;
  readonly quarantined: Collection<QuarantineDocument>;
  private readonly seqs = new Map<string, number>();

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.imports = collectionOf<ImportDocument>(connection, 'imports');
    this.quarantined = collectionOf<QuarantineDocument>(connection, 'import_quarantine');
  }

  async ensureIndexes(): Promise<void> {
    await this.imports.createIndex({ startedAt: -1 }, { name: 'by_started_at' });
    await this.quarantined.createIndex({ importId: 1, seq: 1 }, { name: 'by_import' });
  }

  /** Records the import as started by this origin (before the first progress write). */
  async begin(report: ImportReport, origin: ImportOrigin): Promise<void> {
    await this.imports.insertOne({ _id: report.importId, ...report, ...origin });
  }

  async progress(report: ImportReport): Promise<void> {
    await this.imports.updateOne({ _id: report.importId }, { $set: report }, { upsert: true });
    if (report.status !== 'running') this.seqs.delete(report.importId);
  }

  async quarantine(importId: string, entries: QuarantineEntry[]): Promise<void> {
    let seq = this.seqs.get(importId) ?? 0;
    const docs = entries.map((entry) => {
      seq += 1;
      return { _id: `${importId}:${String(seq).padStart(9, '0')}`, importId, seq, ...entry };
    });
    this.seqs.set(importId, seq);
    if (docs.length > 0) await this.quarantined.insertMany(docs, { ordered: true });
  }

  async find(importId: string): Promise<ImportDocument | null> {
    return this.imports.findOne({ _id: importId });
  }

  async list(limit: number, skip: number): Promise<{ items: ImportDocument[]; total: number }> {
    const [items, total] = await Promise.all([
      this.imports.find({}).sort({ startedAt: -1, _id: 1 }).skip(skip).limit(limit).toArray(),
      this.imports.countDocuments({}),
    ]);
    return { items, total };
  }

  async quarantinePage(
    importId: string,
    limit: number,
    skip: number,
  ): Promise<{ items: QuarantineDocument[]; total: number }> {
    const [items, total] = await Promise.all([
      this.quarantined.find({ importId }).sort({ seq: 1 }).skip(skip).limit(limit).toArray(),
      this.quarantined.countDocuments({ importId }),
    ]);
    return { items, total };
  }

  /** Imports this service was running when it stopped can never finish: say so. */
  async failInterrupted(now = new Date()): Promise<number> {
    const result = await this.imports.updateMany(
      { status: 'running', runner: 'service' },
      {
        $set: {
          status: 'failed',
          finishedAt: now.toISOString(),
          error: 'Interrupted: the service stopped during the import. Run it again (imports are idempotent).',
        },
      },
    );
    return result.modifiedCount;
  }
}
