import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';

interface SigningKeyDocument {
  _id: 'primary';
  privateJwk: JWK;
  createdAt: Date;
}

/**
 * Development key store: when no TOKEN_SIGNING_JWK is configured, one key is generated and kept
 * in this service's database so tokens stay valid across restarts. Instances booting together
 * each generate a candidate and insert it under the one `_id` ('primary'); the `_id` index is
 * unique, so exactly one insert succeeds and every instance then uses the stored key (the loser's
 * duplicate key error is the answer "someone else created it": read it). The key is never
 * replaced afterwards.
 */
@Injectable()
export class SigningKeyRepository {
  private readonly keys: Collection<SigningKeyDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.keys = collectionOf<SigningKeyDocument>(connection, 'signing_keys');
  }

  async loadOrCreate(generate: () => Promise<JWK>): Promise<JWK> {
    const existing = await this.keys.findOne({ _id: 'primary' });
    if (existing) return existing.privateJwk;
    const candidate = await generate();
    const outcome = await insertOnce<SigningKeyDocument>(this.keys, {
      _id: 'primary',
      privateJwk: candidate,
      createdAt: new Date(),
    });
    if (outcome === 'created') return candidate;
    const stored = await this.keys.findOne({ _id: 'primary' });
    if (!stored) throw new Error('signing key exists (duplicate key) but could not be read');
    return stored.privateJwk;
  }
}
