import { createHash } from 'node:crypto';

/** Where an email job reports in the status ledger (absent: an email no notice asked for). */
export interface EmailLedgerEntry {
  noticeId: string;
  kind: string;
  referralId?: string;
  channel: 'email' | 'digest';
}

/** One templated email to an organisation's contact address; the address is looked up when it is sent. */
export interface EmailJobData {
  organisationId: string;
  template: string;
  version?: number;
  /** Ids, codes, dates and links only: never patient data or free text. */
  personalisation: Record<string, string>;
  idempotencyKey: string;
  ledger?: EmailLedgerEntry;
  trace?: { correlationId: string; causationId?: string; traceparent?: string };
}

export const EMAIL_JOB_NAME = 'send-organisation-email';

/** The ledger target of organisation emails: the organisation's contact address, never the address itself. */
export const CONTACT_EMAIL_TARGET = 'contact-email';

/**
 * One job per idempotency key: BullMQ ignores a second add with the same id. Hashed, so any key
 * (it may contain ':', which BullMQ ids may not) gives a short valid id.
 */
export function emailJobId(idempotencyKey: string): string {
  return `email-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
}
