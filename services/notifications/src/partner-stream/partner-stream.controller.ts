import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseBrokers } from '@sp/config';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import { IssueCredentialsUseCase } from './issue-credentials/issue-credentials.use-case';
import { PartnerStreamErrors } from './partner-stream.errors';
import { PartnerStreamRepository } from './partner-stream.repository';
import { RevokeCredentialsUseCase } from './revoke-credentials/revoke-credentials.use-case';
import { RotateCredentialsUseCase } from './rotate-credentials/rotate-credentials.use-case';
import {
  partnerStreamView,
  type PartnerCredentialsView,
  type PartnerStreamView,
} from './stream-status/partner-stream.view';

/** Who changed a stream, for its record: the signed-in person, else the API client. */
function actor(principal: Principal): string {
  return principal.person?.sub ?? principal.clientId;
}

/**
 * An organisation's partner event stream on Kafka (docs/notifications/partner-streams.md): its
 * own SCRAM credentials, topic and consumer-group prefix. Always the caller's own organisation.
 */
@ApiTags('partner-stream')
@ApiBearerAuth()
@Controller('v1/partner-stream')
export class PartnerStreamController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly streams: PartnerStreamRepository,
    private readonly issue: IssueCredentialsUseCase,
    private readonly rotate: RotateCredentialsUseCase,
    private readonly revoke: RevokeCredentialsUseCase,
  ) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary: "The caller's partner stream: bootstrap servers, user, topic, group prefix (no password)",
  })
  async status(@CurrentPrincipal() principal: Principal): Promise<PartnerStreamView> {
    const stream = await this.streams.find(principal.organisationId);
    if (!stream) throw PartnerStreamErrors.notFound(principal.organisationId);
    return partnerStreamView(stream, parseBrokers(this.config.PARTNER_KAFKA_BOOTSTRAP));
  }

  @Post('credentials')
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary:
      'Creates the partner stream: topic, SCRAM user and ACLs. The password is in this answer only; 409 when the stream exists (rotate instead)',
  })
  create(@CurrentPrincipal() principal: Principal): Promise<PartnerCredentialsView> {
    return this.issue.execute(principal.organisationId, actor(principal));
  }

  @Post('credentials/rotate')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({
    summary:
      'New credentials: a new user and password (in this answer only); the old ones stop working at once, open sessions included',
  })
  rotateCredentials(@CurrentPrincipal() principal: Principal): Promise<PartnerCredentialsView> {
    return this.rotate.execute(principal.organisationId, actor(principal));
  }

  @Delete('credentials')
  @HttpCode(204)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({ summary: 'Revokes the stream: ACLs and user deleted, no more events produced' })
  async revokeCredentials(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.revoke.execute(principal.organisationId, actor(principal));
  }
}
