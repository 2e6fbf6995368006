import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { PracticeList, PracticeMapping, PracticePlace } from './domain/gp-registrations';

export type { PracticePlace } from './domain/gp-registrations';
import type { PracticeDocument } from './practice.entity';

export interface PracticeWriteOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

type PracticeChange = { mapping?: PracticeMapping; list?: PracticeList };

/** The practice registry's own collection; callers ask questions, never see it. */
@Injectable()
export class PracticeRepository implements OnModuleInit {
  private readonly practices: Collection<PracticeDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.practices = collectionOf<PracticeDocument>(connection, 'practices');
  }

  async onModuleInit(): Promise<void> {
    await this.practices.createIndex({ pcnCode: 1 });
    await this.practices.createIndex({ icbCode: 1 });
  }

  /**
   * Writes what an import found, practice by practice: only the parts it carries, only where they
   * differ from what is stored (a second import of the same files writes nothing).
   */
  async apply(changes: Map<string, PracticeChange>, now = new Date()): Promise<PracticeWriteOutcome> {
    const outcome: PracticeWriteOutcome = { created: 0, updated: 0, unchanged: 0 };
    const ids = [...changes.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      const stored = new Map(
        (await this.practices.find({ _id: { $in: batch } }).toArray()).map((d) => [d._id, d]),
      );
      const ops: AnyBulkWriteOperation<PracticeDocument>[] = [];
      for (const id of batch) {
        const change = changes.get(id)!;
        const set: Partial<PracticeDocument> = {};
        if (change.mapping) {
          const { pcnCode, subIcbCode, icbCode, extractDate } = change.mapping;
          Object.assign(set, { pcnCode, subIcbCode, icbCode, mappingExtractDate: extractDate });
        }
        if (change.list) set.list = change.list;
        const current = stored.get(id);
        if (current && sameParts(current, set)) {
          outcome.unchanged += 1;
          continue;
        }
        if (current) outcome.updated += 1;
        else outcome.created += 1;
        ops.push({
          updateOne: { filter: { _id: id }, update: { $set: { ...set, updatedAt: now } }, upsert: true },
        });
      }
      if (ops.length > 0) await this.practices.bulkWrite(ops, { ordered: false });
    }
    return outcome;
  }

  async placeOf(odsCode: string): Promise<PracticePlace | null> {
    const doc = await this.practices.findOne({ _id: odsCode, pcnCode: { $exists: true } });
    return doc ? placeOf(doc) : null;
  }

  /** Every mapped practice's place (a few thousand small rows for all of England). */
  async places(): Promise<PracticePlace[]> {
    const docs = await this.practices
      .find({ pcnCode: { $exists: true } }, { projection: { list: 0 } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map(placeOf);
  }

  /** ODS codes of the mapped practices in any of the given PCNs or ICBs. */
  async practiceCodesIn(area: { pcn: string[]; icb: string[] }): Promise<string[]> {
    const or = [
      ...(area.pcn.length > 0 ? [{ pcnCode: { $in: area.pcn } }] : []),
      ...(area.icb.length > 0 ? [{ icbCode: { $in: area.icb } }] : []),
    ];
    if (or.length === 0) return [];
    const docs = await this.practices
      .find({ $or: or }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => d._id);
  }

  /** The imported lists of the given practices (those without one are left out). */
  async listsOf(odsCodes: string[]): Promise<PracticeList[]> {
    if (odsCodes.length === 0) return [];
    const docs = await this.practices.find({ _id: { $in: odsCodes }, list: { $exists: true } }).toArray();
    return docs.map((d) => d.list!);
  }
}

function placeOf(doc: PracticeDocument): PracticePlace {
  return { odsCode: doc._id, pcnCode: doc.pcnCode!, subIcbCode: doc.subIcbCode!, icbCode: doc.icbCode! };
}

function sameParts(current: PracticeDocument, set: Partial<PracticeDocument>): boolean {
  return Object.entries(set).every(
    ([key, value]) => JSON.stringify(current[key as keyof PracticeDocument]) === JSON.stringify(value),
  );
}
