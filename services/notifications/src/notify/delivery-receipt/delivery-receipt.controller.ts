import { createHash, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError, ErrorCodes } from '@sp/errors';
import { Public } from '@sp/identity';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { schemaValidator } from '@sp/validation';
import { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import type { ServiceConfig } from '../../service.config';
import { statusFromReceipt } from '../domain/delivery-receipt';
import { DeliveryReceiptSchema } from './delivery-receipt.request';

const receipts = schemaValidator(DeliveryReceiptSchema);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GOV.UK Notify's delivery receipts (its "callback" for emails and text messages): moves the
 * notification's status to delivered or failed. Notify authenticates with the bearer token set in
 * its callback settings (NOTIFY_CALLBACK_TOKEN); the receipt's `to` (a patient's number or address)
 * is neither stored nor logged. A receipt for a notification not recorded yet (it can overtake the
 * send's own record) answers 404, and Notify retries it.
 */
@ApiExcludeController()
@Controller('v1/notify/callbacks')
export class DeliveryReceiptController {
  private readonly token: Buffer;

  constructor(
    @Inject(SERVICE_CONFIG) config: Pick<ServiceConfig, 'NOTIFY_CALLBACK_TOKEN'>,
    private readonly statuses: NotificationStatusRepository,
  ) {
    this.token = digest(config.NOTIFY_CALLBACK_TOKEN);
  }

  @Post()
  @Public()
  @HttpCode(204)
  async receive(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<void> {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented), this.token)) {
      throw new DomainError(
        ErrorCodes.AUTH_UNAUTHENTICATED,
        'A Notify callback needs the configured bearer token',
      );
    }
    const receipt = receipts.parse(body, 'Invalid Notify delivery receipt');
    const entry = await this.statuses.findByProviderReference(receipt.notification_type, receipt.id);
    if (!entry) {
      throw new DomainError(
        'NOTIFY.NOT_FOUND',
        `No ${receipt.notification_type} notification sent as Notify ${receipt.id}`,
      );
    }
    await this.statuses.record({
      noticeId: entry.noticeId,
      organisationId: entry.organisationId,
      ...(entry.referralId ? { referralId: entry.referralId } : {}),
      kind: entry.kind,
      channel: entry.channel,
      target: entry.target,
      ...statusFromReceipt(receipt.status),
      providerReference: receipt.id,
    });
  }
}
