import { Inject, Injectable, Optional, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@sp/messaging';
import { MONGO_CONNECTION } from '@sp/persistence';
import { DirectoryIdsMigration } from '../migrations/directory-ids.migration';
import { AssuranceService } from '../trust/assurance.service';
import { HsdsReader } from './hsds-reader';
import { HsdsStoreRepository } from './hsds-store.repository';
import { HSDS_STORE } from './hsds-store.port';

/**
 * Before the service takes requests: stored directory ids in UUIDs (migrations/directory-ids,
 * once), indexes and the platform need taxonomy (idempotent).
 */
@Injectable()
export class HsdsBootstrap implements OnModuleInit {
  constructor(
    private readonly store: HsdsStoreRepository,
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    @Optional() private readonly assurance?: AssuranceService,
  ) {}

  async onModuleInit(): Promise<void> {
    const migrated = await new DirectoryIdsMigration(this.connection).runOnce();
    // Verification of organisations whose assurance moved to their UUID, announced under it.
    for (const organisationId of migrated?.organisationsToAnnounce ?? [])
      await this.assurance?.evaluate(organisationId);
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
