import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { NotifyError, NotifyErrorCodes } from '../notify/domain/notify-errors';
import type { StatusReport } from '../notification-status/notification-status.repository';
import type { PatientContactFacts } from './domain/patient-notice-rules';
import type { PatientNoticeJobData } from './patient-notice.job';
import { PatientNoticeWorker } from './patient-notice.worker';

const data: PatientNoticeJobData = {
  kind: 'referral.submitted',
  eventId: 'ev-1',
  referralId: 'ref-1',
  requesterOrganisationId: 'org-gp',
  targetServiceId: 'svc-1',
  occurredAt: '2026-12-03T10:00:00Z',
  trace: { correlationId: 'c', causationId: 'ev-1' },
};

function setUp(opts: {
  contact?: PatientContactFacts;
  send?: () => Promise<string>;
  quietHours?: { start: string; end: string } | null;
}) {
  const records: StatusReport[] = [];
  const sent: unknown[] = [];
  const worker = new PatientNoticeWorker(
    { LOG_LEVEL: 'silent' } as never,
    {} as never,
    { enabled: true, read: async () => opts.contact } as never,
    { serviceName: async () => 'Befriending', organisationName: async () => 'Riverside' } as never,
    {
      templateId: (name: string) => `tpl-${name}`,
      sendSms: async (r: unknown) => (sent.push(r), (opts.send ?? (async () => 'notify-1'))()),
      sendEmail: async (r: unknown) => (sent.push(r), (opts.send ?? (async () => 'notify-2'))()),
    } as never,
    { record: async (r: StatusReport) => void records.push(r) } as never,
    { forOrganisation: async () => ({ patientSms: { quietHours: opts.quietHours ?? null } }) } as never,
  );
  const moved: number[] = [];
  const job = {
    data,
    attemptsMade: 0,
    opts: { attempts: 3 },
    moveToDelayed: async (at: number) => void moved.push(at),
  } as unknown as Job<PatientNoticeJobData>;
  return { worker, records, sent, moved, job };
}

const mobile: PatientContactFacts = { phone: '+447700900123', doNotContact: false, consent: 'given' };

describe('PatientNoticeWorker', () => {
  it('texts the mobile with names only and records sent with Notify id', async () => {
    const { worker, records, sent, job } = setUp({ contact: mobile });
    expect(await worker.process(job, 'token', new Date('2026-12-03T12:00:00Z'))).toBe('sent');
    expect(sent).toEqual([
      {
        templateId: 'tpl-patient-referral-made-sms',
        phoneNumber: '+447700900123',
        personalisation: { organisation_name: 'Riverside', service_name: 'Befriending' },
        reference: 'ev-1:patient',
      },
    ]);
    expect(records).toEqual([
      expect.objectContaining({
        channel: 'sms',
        target: 'patient',
        status: 'sent',
        providerReference: 'notify-1',
      }),
    ]);
    expect(JSON.stringify(records)).not.toContain('900123');
  });

  it('delays a text in quiet hours and records it queued', async () => {
    const { worker, records, sent, moved, job } = setUp({
      contact: mobile,
      quietHours: { start: '21:00', end: '08:00' },
    });
    await expect(worker.process(job, 'token', new Date('2026-12-03T22:00:00Z'))).rejects.toBeInstanceOf(
      DelayedError,
    );
    expect(moved).toEqual([Date.parse('2026-12-04T08:00:00Z')]);
    expect(sent).toEqual([]);
    expect(records[0]).toMatchObject({
      status: 'queued',
      reason: 'quiet-hours until 2026-12-04T08:00:00.000Z',
    });
  });

  it('records a permanent Notify refusal as failed and does not retry', async () => {
    const refused = new NotifyError(NotifyErrorCodes.REJECTED, 'Notify answered 400 (ValidationError)', {
      retriable: false,
    });
    const { worker, records, job } = setUp({
      contact: { email: 'a@example.org', doNotContact: false, consent: 'given' },
      send: async () => Promise.reject(refused),
    });
    await expect(worker.process(job, 'token')).rejects.toBeInstanceOf(UnrecoverableError);
    expect(records).toEqual([
      expect.objectContaining({ channel: 'email', status: 'failed', reason: 'NOTIFY.REJECTED' }),
    ]);
  });

  it('lets BullMQ retry a retriable failure, recording failed only on the last attempt', async () => {
    const limited = new NotifyError(NotifyErrorCodes.RATE_LIMITED, 'Notify answered 429', {
      retriable: true,
    });
    const first = setUp({ contact: mobile, send: async () => Promise.reject(limited) });
    await expect(first.worker.process(first.job, 'token', new Date('2026-12-03T12:00:00Z'))).rejects.toBe(
      limited,
    );
    expect(first.records).toEqual([]);
    const last = setUp({ contact: mobile, send: async () => Promise.reject(limited) });
    (last.job as { attemptsMade: number }).attemptsMade = 2;
    await expect(last.worker.process(last.job, 'token', new Date('2026-12-03T12:00:00Z'))).rejects.toBe(
      limited,
    );
    expect(last.records).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'NOTIFY.RATE_LIMITED' }),
    ]);
  });

  it('suppresses with the reason when the referral is unknown or do-not-contact is set', async () => {
    const gone = setUp({});
    expect(await gone.worker.process(gone.job, 'token')).toBe('suppressed');
    expect(gone.records[0]).toMatchObject({ status: 'suppressed', reason: 'referral-not-found' });
    const dnc = setUp({ contact: { ...mobile, doNotContact: true } });
    expect(await dnc.worker.process(dnc.job, 'token')).toBe('suppressed');
    expect(dnc.sent).toEqual([]);
    expect(dnc.records[0]).toMatchObject({ status: 'suppressed', reason: 'do-not-contact' });
  });
});
