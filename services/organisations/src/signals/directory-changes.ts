import { Injectable } from '@nestjs/common';
import type { EvidenceType } from '@sp/contracts';
import type { HsdsStore, HsdsTable, HsdsWriteResult } from '../hsds/hsds-store.port';
import type { EvidenceRecord } from '../trust/domain/verification.rules';
import type { CapacitySignals, TrustSignals } from './service-signals.port';
import { recordIdOf } from '../hsds/domain/record-ids';

/**
 * A change this process has just written. Signals carry their new value (the writer has it in
 * hand, so nothing needs reading again); directory records carry only their ids (readers re-read
 * them by `_id`).
 */
export type DirectoryChange =
  | { kind: 'capacity'; serviceId: string; capacity: CapacitySignals | null }
  | { kind: 'trust'; serviceId: string; trust: TrustSignals }
  | {
      kind: 'evidence';
      organisationId: string;
      evidence: Partial<Record<EvidenceType, EvidenceRecord>>;
    }
  | { kind: 'records'; table: HsdsTable; ids: string[] };

export type DirectoryChangeListener = (change: DirectoryChange) => void;

/**
 * In-process notifier of directory, capacity, trust and evidence changes, so that what keeps a
 * copy in memory (the matching snapshot) can follow the writes of this process at once. Writers
 * call it right after their write (signals updater, assurance service, directory management, API
 * imports); changes written by another process are not seen here (the copy's TTL bounds those).
 * Listeners are synchronous and must not throw; a listener that throws is ignored, never the write.
 */
@Injectable()
export class DirectoryChanges {
  private readonly listeners = new Set<DirectoryChangeListener>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: DirectoryChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  capacityChanged(serviceId: string, capacity: CapacitySignals | null): void {
    this.emit({ kind: 'capacity', serviceId, capacity });
  }

  trustChanged(serviceId: string, trust: TrustSignals): void {
    this.emit({ kind: 'trust', serviceId, trust });
  }

  evidenceChanged(organisationId: string, evidence: Partial<Record<EvidenceType, EvidenceRecord>>): void {
    this.emit({ kind: 'evidence', organisationId, evidence: { ...evidence } });
  }

  /** Directory records (HSDS tables) written or removed. */
  recordsChanged(table: HsdsTable, ids: string[]): void {
    if (ids.length > 0) this.emit({ kind: 'records', table, ids: [...ids] });
  }

  /**
   * A store that remembers the records written through it (created or updated) and announces them,
   * one change per table, when `flush` is called: an import calls it once at its end, so a large
   * import is announced as many records at once (and the matching snapshot is rebuilt rather than
   * patched record by record while the import runs).
   */
  recording(store: HsdsStore): { store: HsdsStore; flush(): void } {
    const written = new Map<HsdsTable, Set<string>>();
    const note = (table: HsdsTable, id: string | undefined, result: HsdsWriteResult | undefined) => {
      if (id === undefined || !result || result.outcome === 'unchanged') return;
      const ids = written.get(table) ?? new Set<string>();
      // Stored under its UUID when written by slug (domain/record-ids.ts).
      written.set(table, ids.add(recordIdOf(table, id)));
    };
    return {
      store: {
        upsert: async (table, record, provenance) => {
          const result = await store.upsert(table, record, provenance);
          note(table, record.id, result);
          return result;
        },
        upsertMany: async (table, records, provenance) => {
          const results = await store.upsertMany(table, records, provenance);
          results.forEach((result, i) => note(table, records[i]?.id, result));
          return results;
        },
        existing: (table, ids) => store.existing(table, ids),
      },
      flush: () => {
        for (const [table, ids] of written) this.recordsChanged(table, [...ids]);
        written.clear();
      },
    };
  }

  private emit(change: DirectoryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // a copy that cannot follow falls back on its TTL; the write itself stands
      }
    }
  }
}
