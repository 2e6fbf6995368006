import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { QuarantineEntry } from './domain/quarantine-reason';
import type { ImportJournal, ImportReport } from './import-runner';
import type { ActingPerson } from '../audit/acting-person';

/** Who started an import and what was sent. */
export interface ImportOrigin {
  runner: 'service' | 'cli';
  requestedBy: string;
  /** The signed-in person behind requestedBy, when there was one (audit). */
  requestedByPerson?: ActingPerson;
  source: { name?: string; contentType?: string; bytes?: number };
}

export type ImportDocument = ImportReport &
  ImportOrigin & {
    _id: string;
    /** Last sign of life of the process running it (renewed while it runs). */
    heartbeatAt?: Date;
  };

/** How often the process running an import renews its heartbeat. */
export const IMPORT_HEARTBEAT_MS = 15_000;
/** A running import whose heartbeat is older than this has lost its process. */
export const IMPORT_STALE_AFTER_MS = 120_000;

export interface QuarantineDocument extends QuarantineEntry {
  _id: string;
  importId: string;
  seq: number;
}

/**
 * The `imports` collection (one document per import: progress while it runs, then its report) and
 * `import_quarantine` (one document per quarantined record). An import document is written by the
 * process running it (progress, heartbeat) while its status is `running`; any instance may mark a
 * running import failed once its heartbeat is stale (its process is gone), and from then on the
 * progress writes of a process that was only paused match nothing.
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
  async begin(report: ImportReport, origin: ImportOrigin, now = new Date()): Promise<void> {
    await this.imports.insertOne({ _id: report.importId, ...report, ...origin, heartbeatAt: now });
  }

  /** Progress (or the final report) of a running import; renews its heartbeat. */
  async progress(report: ImportReport, now = new Date()): Promise<void> {
    await this.imports.updateOne(
      { _id: report.importId, status: 'running' },
      { $set: { ...report, heartbeatAt: now } },
    );
    if (report.status !== 'running') this.seqs.delete(report.importId);
  }

  /** Renews the heartbeat of the running imports of this process. */
  async heartbeat(importIds: string[], now = new Date()): Promise<void> {
    if (importIds.length === 0) return;
    await this.imports.updateMany(
      { _id: { $in: importIds }, status: 'running' },
      { $set: { heartbeatAt: now } },
    );
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

  /**
   * Imports an instance of this service was running when it stopped can never finish: say so.
   * Only those whose heartbeat is stale: another instance may be running one right now.
   */
  async failInterrupted(now = new Date()): Promise<number> {
    const staleBefore = new Date(now.getTime() - IMPORT_STALE_AFTER_MS);
    const result = await this.imports.updateMany(
      {
        status: 'running',
        runner: 'service',
        $or: [{ heartbeatAt: { $lt: staleBefore } }, { heartbeatAt: { $exists: false } }],
      },
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
