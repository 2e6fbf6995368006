import type { Provider, Type } from '@nestjs/common';
import { IssueCredentialsUseCase } from './issue-credentials/issue-credentials.use-case';
import { PartnerStreamBroker } from './partner-stream.broker';
import { PartnerStreamController } from './partner-stream.controller';
import { PartnerStreamRepository } from './partner-stream.repository';
import { PartnerStreamChannel } from './publish/partner-stream.channel';
import { PartnerStreamQueue } from './publish/partner-stream.queue';
import { PartnerStreamWorker } from './publish/partner-stream.worker';
import { RevokeCredentialsUseCase } from './revoke-credentials/revoke-credentials.use-case';
import { RotateCredentialsUseCase } from './rotate-credentials/rotate-credentials.use-case';

/** Partner event streams on Kafka: credentials API, broker administration, the notice channel. */
export const PARTNER_STREAM_PROVIDERS: Provider[] = [
  PartnerStreamBroker,
  PartnerStreamRepository,
  IssueCredentialsUseCase,
  RotateCredentialsUseCase,
  RevokeCredentialsUseCase,
  PartnerStreamQueue,
  PartnerStreamWorker,
  PartnerStreamChannel,
];

export const PARTNER_STREAM_CONTROLLERS: Type[] = [PartnerStreamController];
