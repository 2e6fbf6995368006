import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { ApiClientDocument } from './api-client.entity';

@Injectable()
export class ApiClientRepository {
  private readonly clients: Collection<ApiClientDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.clients = collectionOf<ApiClientDocument>(connection, 'api_clients');
  }

  async findActive(clientId: string): Promise<ApiClientDocument | null> {
    return this.clients.findOne({ _id: clientId, status: 'active' });
  }

  /** Creates or re-keys a client (the demo seed re-issues secrets on every run). */
  async upsert(client: Omit<ApiClientDocument, 'createdAt' | 'updatedAt'>, now = new Date()): Promise<void> {
    const { _id, scopes, ...fields } = client;
    await this.clients.updateOne(
      { _id },
      {
        $set: { ...fields, ...(scopes ? { scopes } : {}), updatedAt: now },
        // Re-registered without scopes: it loses those it had.
        ...(scopes ? {} : { $unset: { scopes: '' as const } }),
        $setOnInsert: { createdAt: now },
      },
      { upsert: true },
    );
  }
}
