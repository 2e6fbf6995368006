import { Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@sp/messaging';
import { MONGO_CONNECTION } from '@sp/persistence';
import { HsdsReader } from './hsds-reader';
import { HsdsStoreRepository } from './hsds-store.repository';
import { HSDS_STORE } from './hsds-store.port';

/** Indexes and the platform need taxonomy, before the service takes requests (idempotent). */
@Injectable()
export class HsdsBootstrap implements OnModuleInit {
  constructor(private readonly store: HsdsStoreRepository) {}

  async onModuleInit(): Promise<void> {
    await this.store.ensureIndexes();
    await this.store.seedPlatformTaxonomy();
  }
}

export const hsdsProviders: Provider[] = [
  {
    provide: HsdsStoreRepository,
    inject: [MONGO_CONNECTION, OutboxRelay],
    useFactory: (connection: Connection, relay: OutboxRelay) => new HsdsStoreRepository(connection, relay),
  },
  { provide: HSDS_STORE, useExisting: HsdsStoreRepository },
  HsdsReader,
  HsdsBootstrap,
];
