import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { newMachinePassword } from '../domain/scram-password';
import { PartnerStreamBroker } from '../partner-stream.broker';
import { PartnerStreamErrors } from '../partner-stream.errors';
import { PartnerStreamRepository } from '../partner-stream.repository';
import { partnerStreamView, type PartnerCredentialsView } from '../stream-status/partner-stream.view';

/**
 * A new password for the organisation's partner user. The broker replaces the SCRAM credential, so
 * the old password stops working for every new connection at once (there is no overlap: a portal
 * reconnects with the new one). Topic, groups, committed offsets and ACLs stay as they are.
 */
@Injectable()
export class RotateCredentialsUseCase {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(PartnerStreamBroker) private readonly broker: Pick<PartnerStreamBroker, 'setPassword'>,
    private readonly streams: PartnerStreamRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'partner-stream' });
  }

  async execute(organisationId: string, changedBy: string): Promise<PartnerCredentialsView> {
    const stream = await this.streams.findActive(organisationId);
    if (!stream) throw PartnerStreamErrors.notFound(organisationId);
    const password = newMachinePassword();
    try {
      await this.broker.setPassword(stream.username, password);
    } catch (err) {
      throw PartnerStreamErrors.brokerFailed('the password change (the old password may still work)', err);
    }
    const at = new Date();
    await this.streams.passwordRotated(organisationId, at, changedBy);
    this.logger.info({ organisationId, changedBy }, 'partner stream password rotated');
    const view = partnerStreamView(
      { ...stream, passwordSetAt: at },
      parseBrokers(this.config.PARTNER_KAFKA_BOOTSTRAP),
    );
    return { ...view, password };
  }
}
