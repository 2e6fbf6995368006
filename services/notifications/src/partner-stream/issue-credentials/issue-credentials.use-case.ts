import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { isStreamableOrganisationId, partnerStreamNames } from '../domain/partner-stream-names';
import { newMachinePassword } from '../domain/scram-password';
import { PartnerStreamBroker } from '../partner-stream.broker';
import { PartnerStreamErrors } from '../partner-stream.errors';
import { PartnerStreamRepository } from '../partner-stream.repository';
import { partnerStreamView, type PartnerCredentialsView } from '../stream-status/partner-stream.view';

/**
 * Gives an organisation its partner stream: the topic (created if missing), a SCRAM user with a
 * new random password, and ACLs that let it read its own topics and groups only. A stream issued
 * again after a revocation gets a new user (the next generation), so sessions of the revoked one
 * stay refused. The broker steps are idempotent and the record is written last, so a request
 * that failed half way is repeated safely. The password is returned here and never stored or logged.
 */
@Injectable()
export class IssueCredentialsUseCase {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(PartnerStreamBroker)
    private readonly broker: Pick<PartnerStreamBroker, 'ensureTopic' | 'setPassword' | 'grant'>,
    private readonly streams: PartnerStreamRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'partner-stream' });
  }

  async execute(organisationId: string, changedBy: string): Promise<PartnerCredentialsView> {
    if (!isStreamableOrganisationId(organisationId))
      throw PartnerStreamErrors.unsupportedOrganisation(organisationId);
    const previous = await this.streams.find(organisationId);
    if (previous?.status === 'active') throw PartnerStreamErrors.alreadyActive(organisationId);
    const generation = (previous?.generation ?? 0) + 1;
    const names = partnerStreamNames(organisationId, generation);
    const password = newMachinePassword();
    try {
      await this.broker.ensureTopic(names.topic);
      await this.broker.setPassword(names.username, password);
      await this.broker.grant(organisationId, names.username);
    } catch (err) {
      throw PartnerStreamErrors.brokerFailed('the partner stream set-up', err);
    }
    const record = await this.streams.activate({
      _id: organisationId,
      username: names.username,
      generation,
      topic: names.topic,
      groupPrefix: names.prefix,
      mechanism: 'scram-sha-512',
      passwordSetAt: new Date(),
      changedBy,
    });
    this.logger.info(
      { organisationId, topic: names.topic, username: names.username, changedBy },
      'partner stream credentials issued',
    );
    return { ...partnerStreamView(record, parseBrokers(this.config.PARTNER_KAFKA_BOOTSTRAP)), password };
  }
}
