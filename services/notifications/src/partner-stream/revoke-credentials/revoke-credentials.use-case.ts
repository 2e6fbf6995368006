import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { PartnerStreamBroker } from '../partner-stream.broker';
import { PartnerStreamErrors } from '../partner-stream.errors';
import { PartnerStreamRepository } from '../partner-stream.repository';

/**
 * Ends the organisation's partner stream: its ACLs go first (open sessions are refused from the
 * next request), then its SCRAM user (no new session), and the stream stops receiving events. The
 * topic stays (retention ages it out), so credentials issued again later (a new user) resume on it.
 */
@Injectable()
export class RevokeCredentialsUseCase {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(PartnerStreamBroker)
    private readonly broker: Pick<PartnerStreamBroker, 'revokeAcls' | 'deleteUser'>,
    private readonly streams: PartnerStreamRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'partner-stream' });
  }

  async execute(organisationId: string, changedBy: string): Promise<void> {
    const stream = await this.streams.findActive(organisationId);
    if (!stream) throw PartnerStreamErrors.notFound(organisationId);
    try {
      await this.broker.revokeAcls(stream.username);
      await this.broker.deleteUser(stream.username);
    } catch (err) {
      throw PartnerStreamErrors.brokerFailed('the revocation (repeat it)', err);
    }
    await this.streams.revoked(organisationId, new Date(), changedBy);
    this.logger.info({ organisationId, changedBy }, 'partner stream revoked');
  }
}
