import { Injectable } from '@nestjs/common';
import { OrganisationMailer } from '../email/organisation-mailer';
import type { EndpointDisabledNotifier } from './endpoint-disabled.notifier';

/**
 * Emails the organisation that its endpoint was disabled (template webhook-endpoint-disabled),
 * once per disabling: the idempotency key carries the endpoint and the time it was disabled.
 */
@Injectable()
export class EndpointDisabledMailer implements EndpointDisabledNotifier {
  constructor(private readonly mailer: OrganisationMailer) {}

  async endpointDisabled(input: Parameters<EndpointDisabledNotifier['endpointDisabled']>[0]): Promise<void> {
    await this.mailer.sendToOrganisation({
      organisationId: input.organisationId,
      template: 'webhook-endpoint-disabled',
      personalisation: {
        endpointId: input.endpointId,
        endpointUrl: input.endpointUrl,
        reason: input.reason,
        reasonCode: input.reason,
        since: input.since.toISOString(),
        disabledAt: input.disabledAt.toISOString(),
      },
      idempotencyKey: `webhook-disabled:${input.endpointId}:${input.disabledAt.toISOString()}`,
    });
  }
}
