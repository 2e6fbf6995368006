// Trust, capacity, matching and postcodes, as the organisations app module includes them:
//   controllers: [...signalsControllers], providers: [...signalsProviders]
// plus 'assurance' and 'service_capacity' in OutboxRelayModule.forRoot({ collections }) and, in
// main.ts, a consumer of Topics.referralLifecycle and Topics.teams (group 'organisations') for
// ReferralEventsConsumer and TeamCaseloadConsumer.
// DirectoryChanges (the in-process change notifier the matching snapshot follows) is among the
// providers; directory management and the import use case inject it too.
import type { Provider, Type } from '@nestjs/common';
import { ServiceCapacityRepository } from '../capacity/service-capacity.repository';
import { CapacityController } from '../capacity/capacity.controller';
import { POSTCODE_LOCATOR } from '../hsds/postcode-locator.port';
import { MatchServices } from '../matching/match-services.use-case';
import { MatchSnapshotStore } from '../matching/match-snapshot.store';
import { MatchController } from '../matching/match.controller';
import { PostcodeRepository } from '../postcodes/postcode.repository';
import { PostcodeResolver } from '../postcodes/postcode-resolver';
import { AssuranceRepository } from '../trust/assurance.repository';
import { AssuranceService } from '../trust/assurance.service';
import { EvidenceController } from '../trust/evidence.controller';
import { EvidenceSweepJob } from '../trust/evidence-sweep.job';
import { ServiceTrustRepository } from '../trust/service-trust.repository';
import { TeamCaseloadConsumer } from '../team-capacity/team-caseload.consumer';
import { TeamCaseloadRepository } from '../team-capacity/team-caseload.repository';
import { DirectoryChanges } from './directory-changes';
import { DirectoryLookup } from './directory-lookup';
import { ReferralEventsConsumer } from './referral-events.consumer';
import { ReferralRecordRepository } from './referral-record.repository';
import { SERVICE_SIGNALS } from './service-signals.port';
import { ServiceSignalsReaderImpl } from './service-signals.reader';
import { ServiceSignalsUpdater } from './service-signals.updater';

/** Collections whose documents carry an outbox: add them to OutboxRelayModule.forRoot. */
export const SIGNALS_OUTBOX_COLLECTIONS = ['assurance', 'service_capacity'] as const;

export const signalsControllers: Type<unknown>[] = [
  EvidenceController,
  CapacityController,
  MatchController,
  ReferralEventsConsumer,
  TeamCaseloadConsumer,
];

export const signalsProviders: Provider[] = [
  DirectoryChanges,
  DirectoryLookup,
  ReferralRecordRepository,
  ServiceCapacityRepository,
  ServiceTrustRepository,
  TeamCaseloadRepository,
  AssuranceRepository,
  AssuranceService,
  EvidenceSweepJob,
  ServiceSignalsUpdater,
  ServiceSignalsReaderImpl,
  { provide: SERVICE_SIGNALS, useExisting: ServiceSignalsReaderImpl },
  PostcodeRepository,
  PostcodeResolver,
  { provide: POSTCODE_LOCATOR, useExisting: PostcodeResolver },
  MatchSnapshotStore,
  MatchServices,
];

export { seedDemoSignals } from './seed-demo-signals';
export { importSamplePostcodes } from '../postcodes/import-postcodes.use-case';
