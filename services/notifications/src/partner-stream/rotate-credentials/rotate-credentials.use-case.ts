import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { partnerStreamNames } from '../domain/partner-stream-names';
import { newMachinePassword } from '../domain/scram-password';
import { PartnerStreamBroker } from '../partner-stream.broker';
import { PartnerStreamErrors } from '../partner-stream.errors';
import { PartnerStreamRepository } from '../partner-stream.repository';
import { partnerStreamView, type PartnerCredentialsView } from '../stream-status/partner-stream.view';

/**
 * New credentials: a new user (the next generation) with a new password and the same ACLs, then
 * the old user's ACLs and credentials are deleted. The old password stops working at once, for
 * new connections (no such user) and for sessions already open (no ACLs: refused from their next
 * request). Topic, groups and their committed offsets stay: the portal resumes where it was.
 */
@Injectable()
export class RotateCredentialsUseCase {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(PartnerStreamBroker)
    private readonly broker: Pick<PartnerStreamBroker, 'setPassword' | 'grant' | 'revokeAcls' | 'deleteUser'>,
    private readonly streams: PartnerStreamRepository,
  ) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({ component: 'partner-stream' });
  }

  async execute(organisationId: string, changedBy: string): Promise<PartnerCredentialsView> {
    const stream = await this.streams.findActive(organisationId);
    if (!stream) throw PartnerStreamErrors.notFound(organisationId);
    const generation = stream.generation + 1;
    const { username } = partnerStreamNames(organisationId, generation);
    const password = newMachinePassword();
    try {
      await this.broker.setPassword(username, password);
      await this.broker.grant(organisationId, username);
    } catch (err) {
      throw PartnerStreamErrors.brokerFailed('the new credentials (the old ones still work)', err);
    }
    const at = new Date();
    if (
      !(await this.streams.rotated(
        organisationId,
        stream.generation,
        { username, generation },
        at,
        changedBy,
      ))
    ) {
      // Rotated or revoked meanwhile by another request: ours must not stay usable.
      await this.retire(username).catch(() => undefined);
      throw PartnerStreamErrors.concurrentChange(organisationId);
    }
    try {
      await this.retire(stream.username);
    } catch (err) {
      // The new credentials are recorded and work; the old user lingers until a retry removes it.
      this.logger.error({ organisationId, err }, 'old partner user not fully removed after rotation');
    }
    this.logger.info({ organisationId, username, changedBy }, 'partner stream credentials rotated');
    const view = partnerStreamView(
      { ...stream, username, generation, passwordSetAt: at },
      parseBrokers(this.config.PARTNER_KAFKA_BOOTSTRAP),
    );
    return { ...view, password };
  }

  private async retire(username: string): Promise<void> {
    await this.broker.revokeAcls(username);
    await this.broker.deleteUser(username);
  }
}
