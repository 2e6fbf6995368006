import type { Provider, Type } from '@nestjs/common';
import { DeliveryReceiptController } from '../notify/delivery-receipt/delivery-receipt.controller';
import { DirectoryNamesClient } from './directory-names.client';
import { PatientContactClient } from './patient-contact.client';
import { PatientNoticeQueue } from './patient-notice.queue';
import { PatientNoticeWorker } from './patient-notice.worker';

/**
 * GOV.UK Notify's delivery receipts and patient notifications. NotifyClient itself is provided in
 * AppModule (the email channel uses it too).
 */
export const patientNoticeControllers: Type<unknown>[] = [DeliveryReceiptController];

export const patientNoticeProviders: Provider[] = [
  PatientContactClient,
  DirectoryNamesClient,
  PatientNoticeQueue,
  PatientNoticeWorker,
];
