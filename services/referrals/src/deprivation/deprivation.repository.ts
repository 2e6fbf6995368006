import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import { compactPostcode } from '../domain/postcode';
import type { DeprivationRow } from './domain/deprivation-rows';

/**
 * One postcode of the deprivation table: its LSOA (2011) and that LSOA's IMD 2019 decile, joined at
 * import. `_id` is the compact upper-case postcode ("TS11AA"). Reference data, not patient data.
 */
interface DeprivationDocument {
  _id: string;
  postcode: string;
  lsoa11: string;
  imdDecile: number;
  updatedAt: Date;
}

export interface DeprivationBatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

export const DEPRIVATION_COLLECTION = 'deprivation_postcodes';

/** The deprivation table (referrals' own database): postcode -> LSOA -> IMD decile. */
@Injectable()
export class DeprivationRepository {
  private readonly postcodes: Collection<DeprivationDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.postcodes = collectionOf<DeprivationDocument>(connection, DEPRIVATION_COLLECTION);
  }

  /** The IMD 2019 decile of the postcode's LSOA; undefined when the postcode is not in the table. */
  async decileOf(postcode: string): Promise<number | undefined> {
    const id = compactPostcode(postcode);
    if (id === null) return undefined;
    const found = await this.postcodes.findOne({ _id: id }, { projection: { imdDecile: 1 } });
    return found?.imdDecile;
  }

  /**
   * Idempotent upsert of a batch: one read of the batch's ids, one unordered insert of the new
   * ones, one unordered bulk replace of the changed ones (a re-import of the same files writes
   * nothing).
   */
  async upsertBatch(rows: DeprivationRow[], now = new Date()): Promise<DeprivationBatchOutcome> {
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    const existing = new Map(
      (
        await this.postcodes
          .find({ _id: { $in: unique.map((r) => r.id) } })
          .limit(unique.length)
          .toArray()
      ).map((d) => [d._id, d]),
    );
    const fresh: DeprivationDocument[] = [];
    const changed: DeprivationDocument[] = [];
    for (const row of unique) {
      const doc: DeprivationDocument = {
        _id: row.id,
        postcode: row.postcode,
        lsoa11: row.lsoa11,
        imdDecile: row.imdDecile,
        updatedAt: now,
      };
      const before = existing.get(row.id);
      if (!before) fresh.push(doc);
      else if (before.lsoa11 !== row.lsoa11 || before.imdDecile !== row.imdDecile) changed.push(doc);
    }
    if (fresh.length > 0) {
      try {
        await this.postcodes.insertMany(fresh, { ordered: false });
      } catch (error) {
        // A concurrent import inserted some of them first: the rows are there, which is the goal.
        if ((error as { code?: unknown }).code !== 11000) throw error;
      }
    }
    if (changed.length > 0) {
      await this.postcodes.bulkWrite(
        changed.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc } })),
        { ordered: false },
      );
    }
    return {
      created: fresh.length,
      updated: changed.length,
      unchanged: unique.length - fresh.length - changed.length,
    };
  }
}
