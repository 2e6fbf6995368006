/**
 * BullMQ queue names. Do not rename without a migration: jobs waiting in Redis under the old
 * name would never be processed.
 */
export const QueueNames = {
  delivery: 'notifications-delivery',
  patientNotices: 'notifications-patient',
  email: 'notifications-email',
  digest: 'notifications-digest',
  webhooks: 'notifications-webhooks',
  partnerStream: 'notifications-partner-stream',
} as const;
