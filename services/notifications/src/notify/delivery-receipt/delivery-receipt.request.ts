import { Type, type Static } from '@sinclair/typebox';
import { RECEIPT_STATUSES } from '../domain/delivery-receipt';

/**
 * GOV.UK Notify's delivery receipt (its callback message for emails and text messages). Extra
 * fields are allowed: Notify adds fields to callbacks without notice.
 */
export const DeliveryReceiptSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: "Notify's id for the notification" }),
  reference: Type.Union([Type.String(), Type.Null()], { description: 'The reference we sent (a notice id)' }),
  status: Type.Unsafe<(typeof RECEIPT_STATUSES)[number]>({ type: 'string', enum: [...RECEIPT_STATUSES] }),
  notification_type: Type.Unsafe<'email' | 'sms'>({ type: 'string', enum: ['email', 'sms'] }),
  created_at: Type.Optional(Type.String()),
  completed_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  sent_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  to: Type.Optional(Type.String()),
});
export type DeliveryReceipt = Static<typeof DeliveryReceiptSchema>;
