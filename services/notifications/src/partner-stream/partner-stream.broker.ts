import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type AclEntry,
} from 'kafkajs';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { createKafka } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import { partnerAcls, type PartnerAcl } from './domain/partner-stream-names';
import { ScramAdminClient } from './kafka/scram-admin.client';
import type { ScramMechanism } from './kafka/scram-credentials.protocol';

/** Partners get both; they are told to use SCRAM-SHA-512 (SHA-256 is there for older clients). */
export const PARTNER_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256'];

/**
 * The broker side of partner streams, through the internal (bootstrap) listener: topics, SCRAM
 * users (KIP-554, our own client: kafkajs has none) and ACLs (kafkajs admin). Every operation is
 * idempotent, so a request that failed half way is simply repeated.
 */
@Injectable()
export class PartnerStreamBroker implements BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly scram: ScramAdminClient;
  private admin?: Promise<Admin>;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {
    this.logger = createLogger('notifications', config.LOG_LEVEL).child({
      component: 'partner-stream-broker',
    });
    this.scram = new ScramAdminClient({
      brokers: parseBrokers(config.KAFKA_BROKERS),
      clientId: 'notifications-partner-admin',
      iterations: config.PARTNER_SCRAM_ITERATIONS,
    });
  }

  async ensureTopic(topic: string): Promise<void> {
    const admin = await this.connectedAdmin();
    // createTopics answers false (no error) when the topic already exists.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: this.config.PARTNER_STREAM_PARTITIONS, replicationFactor: -1 }],
    });
  }

  /** Creates the user, or replaces its password: the old one stops working for new connections. */
  async setPassword(username: string, password: string): Promise<void> {
    await this.scram.upsert(username, password, PARTNER_MECHANISMS);
  }

  async deleteUser(username: string): Promise<void> {
    await this.scram.delete(username, PARTNER_MECHANISMS);
  }

  /** Grants the user the organisation's ACLs (creating an existing binding again changes nothing). */
  async grant(organisationId: string, username: string): Promise<void> {
    const admin = await this.connectedAdmin();
    await admin.createAcls({ acl: partnerAcls(organisationId, username).map(toAclEntry) });
    this.logger.info({ organisationId, username }, 'partner stream ACLs granted');
  }

  /** Removes every ACL of the user (its open sessions are refused from their next request). */
  async revokeAcls(username: string): Promise<void> {
    const admin = await this.connectedAdmin();
    await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal: `User:${username}`,
          host: '*',
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });
    this.logger.info({ username }, 'partner stream ACLs revoked');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.admin) await (await this.admin.catch(() => undefined))?.disconnect();
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = createKafka(
        { brokers: parseBrokers(this.config.KAFKA_BROKERS), clientId: 'notifications-partner-admin' },
        this.logger,
        { retries: 3 },
      ).admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}

function toAclEntry(acl: PartnerAcl): AclEntry {
  return {
    resourceType: acl.resource === 'group' ? AclResourceTypes.GROUP : AclResourceTypes.TOPIC,
    resourceName: acl.prefix,
    resourcePatternType: ResourcePatternTypes.PREFIXED,
    principal: acl.principal,
    host: '*',
    operation: acl.operation === 'describe' ? AclOperationTypes.DESCRIBE : AclOperationTypes.READ,
    permissionType: AclPermissionTypes.ALLOW,
  };
}
