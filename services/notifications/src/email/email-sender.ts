/** One email, rendered, to one address. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Our reference (the job's idempotency key): a header / Notify reference; never patient data. */
  reference: string;
}

/** Where emails leave the platform: SMTP (nodemailer) or GOV.UK Notify, chosen by EMAIL_PROVIDER. */
export interface EmailSender {
  readonly provider: 'smtp' | 'notify';
  /** Sends it; answers the provider's id for it (SMTP Message-ID, Notify notification id). */
  send(email: OutgoingEmail): Promise<string>;
}

export const EMAIL_SENDER = Symbol('EMAIL_SENDER');

/** A failure no retry can fix (the relay refused the address, Notify refused the message). */
export class PermanentEmailFailure extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'PermanentEmailFailure';
  }
}
