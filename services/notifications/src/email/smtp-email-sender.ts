import { createTransport, type Transporter } from 'nodemailer';
import type { EmailSender, OutgoingEmail } from './email-sender';
import { PermanentEmailFailure } from './email-sender';

/** nodemailer over SMTP: Mailpit locally, any relay in production. */
export class SmtpEmailSender implements EmailSender {
  readonly provider = 'smtp' as const;
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(email: OutgoingEmail): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        ...(email.html !== undefined ? { html: email.html } : {}),
        headers: { 'X-SP-Reference': email.reference },
      });
      return String(info.messageId);
    } catch (error) {
      // 5xx from the relay: the message or address was refused for good. Anything else
      // (connection refused, timeout, 4xx) may pass later.
      const code = (error as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500) {
        throw new PermanentEmailFailure(`smtp-rejected-${code}`, { cause: error });
      }
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
