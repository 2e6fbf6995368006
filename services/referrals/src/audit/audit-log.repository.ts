import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { traceContext } from '@sp/observability';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

export interface AuditEntry {
  actor: { clientId: string; organisationId: string; role: string };
  action: 'referral.create' | 'referral.read' | 'referral.create.replayed';
  referralId: string;
  outcome: 'allowed' | 'denied';
}

interface AuditDocument extends AuditEntry {
  at: Date;
  correlationId?: string;
}

/** Who touched which referral's patient data, when, and with what result. Append-only. */
@Injectable()
export class AuditLogRepository implements OnModuleInit {
  private readonly entries: Collection<AuditDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = collectionOf<AuditDocument>(connection, 'audit_log');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.createIndex({ referralId: 1, at: 1 }, { name: 'by_referral' });
  }

  async record(entry: AuditEntry, at = new Date()): Promise<void> {
    const correlationId = traceContext.current()?.correlationId;
    await this.entries.insertOne({ ...entry, at, ...(correlationId ? { correlationId } : {}) });
  }

  async forReferral(referralId: string): Promise<AuditDocument[]> {
    return this.entries
      .find({ referralId }, { projection: { _id: 0 } })
      .sort({ at: 1 })
      .toArray();
  }
}
