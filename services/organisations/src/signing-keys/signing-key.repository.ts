import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

interface SigningKeyDocument {
  _id: 'primary';
  privateJwk: JWK;
  createdAt: Date;
}

/**
 * Development key store: when no TOKEN_SIGNING_JWK is configured, one key is generated and kept
 * in this service's database so tokens stay valid across restarts. Race-safe: the first writer
 * wins and everyone reads back the winner.
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
    await this.keys.updateOne(
      { _id: 'primary' },
      { $setOnInsert: { privateJwk: candidate, createdAt: new Date() } },
      { upsert: true },
    );
    const stored = await this.keys.findOne({ _id: 'primary' });
    if (!stored) throw new Error('signing key could not be stored');
    return stored.privateJwk;
  }
}
