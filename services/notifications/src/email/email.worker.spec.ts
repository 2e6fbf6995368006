import { UnrecoverableError, type Job } from 'bullmq';
import type { StatusReport } from '../notification-status/notification-status.repository';
import type { ServiceConfig } from '../service.config';
import { TemplateRegistry } from '../templates/template.registry';
import type { EmailSender, OutgoingEmail } from './email-sender';
import { PermanentEmailFailure } from './email-sender';
import type { EmailJobData } from './email.job';
import { EmailWorker } from './email.worker';

const data: EmailJobData = {
  organisationId: 'org-1',
  template: 'referral-accepted',
  personalisation: {
    referralId: 'r-1',
    status: 'accepted',
    reasonCode: 'not given',
    occurredAt: 'now',
    referralUrl: 'http://x/v1/referrals/r-1',
  },
  idempotencyKey: 'email:n-1',
  ledger: { noticeId: 'n-1', kind: 'referral.accepted', referralId: 'r-1', channel: 'email' },
};

function worker(
  send: (email: OutgoingEmail) => Promise<string>,
  address: string | null = 'team@example.org',
) {
  const reports: StatusReport[] = [];
  const sent: OutgoingEmail[] = [];
  const sender: EmailSender = {
    provider: 'smtp',
    send: async (email) => {
      sent.push(email);
      return send(email);
    },
  };
  const w = new EmailWorker(
    { LOG_LEVEL: 'silent', QUEUE_PREFIX: 'x', EMAIL_CONCURRENCY: 1 } as ServiceConfig,
    {} as never,
    sender,
    new TemplateRegistry({ TEMPLATES_DIR: '' }),
    { addressOf: async () => address ?? undefined } as never,
    { record: async (r: StatusReport) => void reports.push(r) } as never,
  );
  return { w, reports, sent };
}

const job = (attemptsMade: number, attempts = 3) =>
  ({ id: 'j-1', data, attemptsMade, opts: { attempts } }) as unknown as Job<EmailJobData>;

describe('email worker', () => {
  it('renders, sends to the address looked up now, and records sent with the provider id', async () => {
    const { w, reports, sent } = worker(async () => '<m-1@relay>');
    await expect(w.process(job(0))).resolves.toBe('sent');
    expect(sent).toEqual([
      expect.objectContaining({
        to: 'team@example.org',
        subject: 'Referral r-1 was accepted',
        reference: 'email:n-1',
      }),
    ]);
    expect(reports).toEqual([
      expect.objectContaining({
        noticeId: 'n-1',
        channel: 'email',
        target: 'contact-email',
        status: 'sent',
        providerReference: '<m-1@relay>',
      }),
    ]);
  });

  it('records no-address (and sends nothing) when the address went away', async () => {
    const { w, reports, sent } = worker(async () => 'x', null);
    await expect(w.process(job(0))).resolves.toBe('no-address');
    expect(sent).toHaveLength(0);
    expect(reports).toEqual([expect.objectContaining({ status: 'suppressed', reason: 'no-address' })]);
  });

  it('leaves a transient failure to the retries, and records failed on the last attempt with a code only', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1025 team@example.org'), {
      code: 'ECONNREFUSED',
    });
    const early = worker(async () => Promise.reject(refused));
    await expect(early.w.process(job(0))).rejects.toBe(refused);
    expect(early.reports).toEqual([]);
    const last = worker(async () => Promise.reject(refused));
    await expect(last.w.process(job(2))).rejects.toBe(refused);
    expect(last.reports).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'send-error-ECONNREFUSED' }),
    ]);
  });

  it('stops retrying a permanent refusal', async () => {
    const { w, reports } = worker(async () => Promise.reject(new PermanentEmailFailure('smtp-rejected-550')));
    await expect(w.process(job(0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(reports).toEqual([expect.objectContaining({ status: 'failed', reason: 'smtp-rejected-550' })]);
  });
});
