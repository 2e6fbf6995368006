import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { PostcodeRow } from './domain/postcode-rows';

/** One postcode and its WGS84 position. `_id` is the compact upper-case postcode ("TS12AD"). */
export interface PostcodeDocument {
  _id: string;
  postcode: string;
  latitude: number;
  longitude: number;
  source: string;
  updatedAt: Date;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

/** The `postcodes` collection: the operator's postcode table (ONSPD or Code-Point Open import). */
@Injectable()
export class PostcodeRepository {
  readonly collection: Collection<PostcodeDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<PostcodeDocument>(connection, 'postcodes');
  }

  async find(id: string): Promise<PostcodeDocument | null> {
    return this.collection.findOne({ _id: id });
  }

  /**
   * Idempotent upsert of a batch: one read of the batch's ids, one unordered insert of the new ones,
   * one unordered bulk replace of the changed ones (a re-import of the same file writes nothing).
   */
  async upsertBatch(rows: PostcodeRow[], source: string, now = new Date()): Promise<BatchOutcome> {
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    const existing = new Map(
      (
        await this.collection
          .find({ _id: { $in: unique.map((r) => r.id) } })
          .limit(unique.length)
          .toArray()
      ).map((d) => [d._id, d]),
    );
    const fresh: PostcodeDocument[] = [];
    const changed: PostcodeDocument[] = [];
    for (const row of unique) {
      const doc: PostcodeDocument = {
        _id: row.id,
        postcode: row.postcode,
        latitude: row.latitude,
        longitude: row.longitude,
        source,
        updatedAt: now,
      };
      const before = existing.get(row.id);
      if (!before) fresh.push(doc);
      else if (before.latitude !== row.latitude || before.longitude !== row.longitude) changed.push(doc);
    }
    if (fresh.length > 0) {
      try {
        await this.collection.insertMany(fresh, { ordered: false });
      } catch (error) {
        // A concurrent import inserted some of them first: the rows are there, which is the goal.
        if ((error as { code?: unknown }).code !== 11000) throw error;
      }
    }
    if (changed.length > 0) {
      await this.collection.bulkWrite(
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
