// The daily digest on the real stack: an organisation that chose it gets no email per new referral
// or reminder (the ledger says suppressed: digest) and, when the digest runs, ONE email in Mailpit
// listing its new, waiting and overdue referrals (ids and dates only), not the answered ones;
// running it again the same day sends nothing more. Critical notices still go at once.
import { randomUUID } from 'node:crypto';
import { ReferralAcceptedV1, ReferralCancelledV1, ReferralReminderDueV1 } from '@sp/contracts';
import { waitFor } from '@sp/testing';
import { DigestScheduler } from '../src/digest/run-digest/digest.scheduler';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { mailTo, startEmailWorld, waitForMail, type EmailWorld } from './support/email-world';

jest.setTimeout(120_000);

const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('daily digest', () => {
  let world: EmailWorld;

  beforeAll(async () => {
    world = await startEmailWorld('notif-digest');
  });

  afterAll(async () => {
    await world?.close();
  });

  it('is scheduled every day at DIGEST_CRON, Europe/London', async () => {
    const scheduler = await world.app.get(DigestScheduler).queue.getJobScheduler('daily-digest');
    expect(scheduler).toMatchObject({ pattern: '0 7 * * *', tz: 'Europe/London' });
  });

  it('sends one email listing new, waiting and overdue referrals instead of one each, once a day', async () => {
    const vcs = await world.organisation('digest-vcs');
    const gp = `gp-${world.run}`.replace(/_/g, '-');
    const token = await world.token(vcs.id, 'provider');
    expect(
      (await world.api('PUT', '/v1/notification-preferences', token, { email: { digest: 'daily' } })).status,
    ).toBe(200);

    const fresh = [randomUUID(), randomUUID(), randomUUID()];
    const late = randomUUID();
    const answered = randomUUID();
    const submittedEvents = [...fresh, late, answered].map((id) => world.submitted(id, vcs.id, gp));
    const lifecycle = (referralId: string) => ({
      referralId,
      version: 2,
      requesterOrganisationId: gp,
      ownerOrganisationId: vcs.id,
      patientKey: PATIENT_KEY,
      submittedAt: new Date().toISOString(),
      occurredAt: new Date().toISOString(),
      actor: { organisationId: vcs.id, role: 'provider' as const },
    });
    await world.publish(submittedEvents);
    await world.publish([
      world.event(ReferralReminderDueV1, {
        referralId: late,
        requesterOrganisationId: gp,
        ownerOrganisationId: vcs.id,
        submittedAt: new Date().toISOString(),
        respondBy: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
        occurredAt: new Date().toISOString(),
      }),
      world.event(ReferralAcceptedV1, {
        ...lifecycle(answered),
        fromStatus: 'requested',
        toStatus: 'accepted',
        claimed: false,
      }),
    ]);

    // Each new referral (and the reminder) is held for the digest, not emailed.
    const statuses = world.app.get(NotificationStatusRepository);
    for (const event of submittedEvents) {
      const entry = await waitFor(() => statuses.findOne(`${event.id}:${vcs.id}`, 'email', 'contact-email'), {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'the new referral held for the digest',
      });
      expect(entry).toMatchObject({ status: 'suppressed', reason: 'digest' });
    }
    await waitFor(
      async () =>
        (await statuses.list({ organisationId: vcs.id, kind: 'referral.reminder-due', limit: 5 })).some(
          (e) => e.channel === 'email' && e.status === 'suppressed' && e.reason === 'digest',
        ),
      { timeoutMs: 30_000, intervalMs: 200, description: 'the reminder held for the digest' },
    );
    // The acceptance has been handled too (it goes to the referrer, who has no address here).
    await waitFor(
      async () =>
        (await statuses.list({ referralId: answered, kind: 'referral.accepted', limit: 5 })).length > 0,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'the acceptance handled',
      },
    );

    const ops = await world.token('platform', 'ops');
    expect((await world.api('POST', `/v1/ops/digest/run?organisationId=${vcs.id}`, token)).status).toBe(403);
    const run = await world.api('POST', `/v1/ops/digest/run?organisationId=${vcs.id}`, ops);
    expect(run).toEqual({
      status: 200,
      body: { organisations: 1, queued: 1, nothingToSend: 0, suppressed: 0 },
    });

    const [digest] = await waitForMail(vcs.email, 1, 'the digest');
    expect(digest!.Subject).toBe('Your referrals today: 3 new, 0 waiting, 1 overdue');
    for (const id of [...fresh, late]) expect(digest!.Text).toContain(`- ${id} (submitted `);
    expect(digest!.Text).toMatch(new RegExp(`- ${late} \\(submitted [^)]+, respond by [^)]+\\)`));
    expect(digest!.Text).not.toContain(answered);
    expect(digest!.Text).not.toContain(PATIENT_KEY);
    expect(digest!.HTML).toContain(fresh[0]);

    // Again the same day: nothing more. A critical notice still goes at once (and shows the first ran).
    await world.api('POST', `/v1/ops/digest/run?organisationId=${vcs.id}`, ops);
    const cancelled = randomUUID();
    await world.publish([world.submitted(cancelled, vcs.id, gp)]);
    await world.publish([
      world.event(ReferralCancelledV1, {
        ...lifecycle(cancelled),
        version: 2,
        fromStatus: 'requested',
        toStatus: 'cancelled',
        actor: { organisationId: gp, role: 'referrer' },
        reasonCode: 'referred-elsewhere',
      }),
    ]);
    await waitFor(async () => (await mailTo(vcs.email)).some((m) => m.Subject.includes(cancelled)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the cancellation at once',
    });
    const all = await mailTo(vcs.email);
    expect(all.filter((m) => m.Subject.startsWith('Your referrals today'))).toHaveLength(1);
    expect(all.filter((m) => m.Subject.startsWith('New referral'))).toHaveLength(0);
    const ledger = await waitFor(
      async () => {
        const entries = await statuses.list({ organisationId: vcs.id, kind: 'digest.daily', limit: 5 });
        return entries.length > 0 && entries.every((e) => e.status === 'sent') ? entries : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the digest sent in the ledger' },
    );
    expect(ledger).toEqual([
      expect.objectContaining({ channel: 'digest', target: 'contact-email', status: 'sent' }),
    ]);
  });

  it('sends nothing to an organisation with nothing waiting', async () => {
    const quiet = await world.organisation('digest-quiet');
    const token = await world.token(quiet.id, 'provider');
    await world.api('PUT', '/v1/notification-preferences', token, { email: { digest: 'daily' } });
    const ops = await world.token('platform', 'ops');
    const run = await world.api('POST', `/v1/ops/digest/run?organisationId=${quiet.id}`, ops);
    expect(run.body).toEqual({ organisations: 1, queued: 0, nothingToSend: 1, suppressed: 0 });
  });
});
