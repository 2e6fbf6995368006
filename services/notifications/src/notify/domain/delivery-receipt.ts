/** Notify's final statuses for emails and text messages, as its delivery receipts report them. */
export const RECEIPT_STATUSES = [
  'delivered',
  'permanent-failure',
  'temporary-failure',
  'technical-failure',
] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * What a receipt means for the notification's status: delivered, or failed with Notify's reason
 * (permanent: the number or address does not exist; temporary: the phone was off or the inbox full
 * for 72 hours; technical: Notify's provider failed). Notify has already retried each of these, so
 * none is retried here.
 */
export function statusFromReceipt(
  status: ReceiptStatus,
): { status: 'delivered' } | { status: 'failed'; reason: string } {
  return status === 'delivered' ? { status: 'delivered' } : { status: 'failed', reason: `notify:${status}` };
}
