// Organisation email on the real stack: the notifications service in-process on the real Kafka,
// MongoDB and Redis, sending through the local platform's Mailpit (real SMTP), asserted on the
// messages Mailpit received. The organisation's address comes from the directory's
// organisation.contact-email-changed event, as organisations publishes it.
import { randomUUID } from 'node:crypto';
import { ReferralCancelledV1, ReferralRejectedV1, OrganisationContactEmailChangedV1 } from '@sp/contracts';
import { waitFor } from '@sp/testing';
import { OrganisationMailer } from '../src/email/organisation-mailer';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { mailTo, startEmailWorld, waitForMail, type EmailWorld } from './support/email-world';

jest.setTimeout(120_000);

const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

describe('organisation email through SMTP (Mailpit)', () => {
  let world: EmailWorld;

  beforeAll(async () => {
    world = await startEmailWorld('notif-email');
  });

  afterAll(async () => {
    await world?.close();
  });

  const ledger = (noticeId: string) =>
    world.app.get(NotificationStatusRepository).findOne(noticeId, 'email', 'contact-email');

  it('emails a new referral to the organisation at its directory contact address: referral id and link, no patient data, once', async () => {
    const vcs = await world.organisation('befriend');
    const referralId = randomUUID();
    const submitted = world.submitted(referralId, vcs.id);
    await world.publish([submitted]);
    const [mail] = await waitForMail(vcs.email);

    expect(mail!.Subject).toBe(`New referral ${referralId}`);
    expect(mail!.Text).toContain(referralId);
    expect(mail!.Text).toContain(`http://127.0.0.1:3001/v1/referrals/${referralId}`);
    expect(mail!.HTML).toContain(`<a href="http://127.0.0.1:3001/v1/referrals/${referralId}">`);
    // Ids and codes only: nothing of the patient (not even the pseudonymous key), no needs.
    for (const body of [mail!.Subject, mail!.Text, mail!.HTML]) {
      expect(body).not.toContain(PATIENT_KEY);
      expect(body).not.toContain('sp-need-loneliness');
      expect(body).not.toMatch(/\b\d{10}\b/); // no NHS-number-like digits
    }
    const entry = await waitFor(
      async () =>
        (await ledger(`${submitted.id}:${vcs.id}`))?.status === 'sent'
          ? ledger(`${submitted.id}:${vcs.id}`)
          : undefined,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'ledger says sent',
      },
    );
    expect(entry).toMatchObject({
      channel: 'email',
      target: 'contact-email',
      kind: 'referral.submitted',
      referralId,
    });
    expect(entry!.providerReference).toBeTruthy();
    // The ledger names the target, never the address.
    expect(JSON.stringify(entry)).not.toContain(vcs.email);

    // The same event again (a redelivery): no second email.
    await world.publish([submitted]);
    await world.publish([world.submitted(randomUUID(), vcs.id)]); // a later event, to know the first was handled
    await waitForMail(vcs.email, 2, 'the later referral');
    expect((await mailTo(vcs.email)).filter((m) => m.Subject.includes(referralId))).toHaveLength(1);
  });

  it('tells the referrer an outcome with its coded reason, and follows a changed directory address', async () => {
    const gp = await world.organisation('gp');
    const vcs = await world.organisation('vcs');
    const referralId = randomUUID();
    const rejected = (id: string) =>
      world.event(ReferralRejectedV1, {
        referralId: id,
        version: 2,
        requesterOrganisationId: gp.id,
        ownerOrganisationId: vcs.id,
        patientKey: PATIENT_KEY,
        submittedAt: new Date(Date.now() - 3600_000).toISOString(),
        occurredAt: new Date().toISOString(),
        fromStatus: 'requested',
        toStatus: 'rejected',
        actor: { organisationId: vcs.id, role: 'provider' },
        reasonCode: 'no-capacity',
      });
    await world.publish([rejected(referralId)]);
    const [mail] = await waitForMail(gp.email);
    expect(mail!.Subject).toBe(`Referral ${referralId} was rejected`);
    expect(mail!.Text).toContain('Reason code: no-capacity');
    expect(mail!.Text).toContain('Status: rejected');
    // The vcs made the change: it is not told.
    expect(await mailTo(vcs.email)).toHaveLength(0);

    const moved = `moved.${world.run}@example.org`.toLowerCase();
    await world.publish([
      world.event(OrganisationContactEmailChangedV1, {
        organisationId: gp.id,
        email: moved,
        occurredAt: new Date().toISOString(),
      }),
    ]);
    const second = randomUUID();
    // The directory event and the referral event are on different topics: retry until the new
    // address is known (the first emails may still go to the old one).
    await waitFor(
      async () => {
        await world.publish([rejected(randomUUID())]);
        return (await mailTo(moved)).length > 0;
      },
      { timeoutMs: 60_000, intervalMs: 2000, description: 'mail at the changed address' },
    );
    await world.publish([rejected(second)]);
    const atMoved = await waitFor(async () => (await mailTo(moved)).find((m) => m.Subject.includes(second)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the second outcome at the new address',
    });
    expect(atMoved).toBeDefined();
  });

  it('sends critical cancellations, and records no-address when an organisation has no contact email', async () => {
    const gp = await world.organisation('gp-cancel');
    const nobody = await world.organisation('no-address', false);
    const referralId = randomUUID();
    const cancelled = world.event(ReferralCancelledV1, {
      referralId,
      version: 3,
      requesterOrganisationId: gp.id,
      ownerOrganisationId: nobody.id,
      patientKey: PATIENT_KEY,
      submittedAt: new Date(Date.now() - 3600_000).toISOString(),
      occurredAt: new Date().toISOString(),
      fromStatus: 'accepted',
      toStatus: 'cancelled',
      actor: { organisationId: 'platform', role: 'system' },
      reasonCode: 'consent-withdrawn',
    });
    await world.publish([cancelled]);
    const [mail] = await waitForMail(gp.email);
    expect(mail!.Subject).toBe(`Referral ${referralId} was cancelled`);
    expect(mail!.Text).toContain('Reason code: consent-withdrawn');
    const noAddress = await waitFor(() => ledger(`${cancelled.id}:${nobody.id}`), {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'no-address in the ledger',
    });
    expect(noAddress).toMatchObject({
      status: 'suppressed',
      reason: 'no-address',
      kind: 'referral.cancelled',
    });
  });

  it('lets other channels email an organisation through the mailer, once per idempotency key, refusing missing personalisation', async () => {
    const vcs = await world.organisation('webhook-owner');
    // The directory event must be applied before the mailer sees the address.
    const mailer = world.app.get(OrganisationMailer);
    const personalisation = {
      endpointId: 'ep-1',
      endpointUrl: 'https://portal.example.org/hooks',
      reasonCode: 'gone-410',
      disabledAt: '3 Dec 2026, 17:00 (UK time)',
    };
    const request = {
      organisationId: vcs.id,
      template: 'webhook-endpoint-disabled',
      personalisation,
      idempotencyKey: `ep-1-disabled-${world.run}`,
    };
    await waitFor(async () => (await mailer.sendToOrganisation(request)) === 'queued', {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'contact address applied',
    });
    expect(await mailer.sendToOrganisation(request)).toBe('queued');
    const [mail] = await waitForMail(vcs.email);
    expect(mail!.Subject).toBe('Your webhook endpoint ep-1 was disabled');
    await expect(
      mailer.sendToOrganisation({
        ...request,
        idempotencyKey: 'other',
        personalisation: { endpointId: 'ep-1' },
      }),
    ).rejects.toThrow(/endpointUrl, reasonCode|disabledAt, endpointUrl, reasonCode/);
    await world.publish([world.submitted(randomUUID(), vcs.id)]);
    await waitForMail(vcs.email, 2, 'a later email');
    expect((await mailTo(vcs.email)).filter((m) => m.Subject.includes('webhook'))).toHaveLength(1);
  });

  it('lists the templates with their versions and previews one: escaped HTML, 422 naming missing fields, 404 unknown', async () => {
    const token = await world.token('any-org', 'provider');
    const list = await world.api<{
      items: Array<{
        name: string;
        latestVersion: number;
        versions: Array<{ version: number; personalisation: string[] }>;
      }>;
    }>('GET', '/v1/notification-templates', token);
    expect(list.status).toBe(200);
    const names = list.body.items.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'referral-submitted',
        'referral-rejected',
        'daily-digest',
        'webhook-endpoint-disabled',
      ]),
    );
    expect(list.body.items.find((t) => t.name === 'referral-rejected')).toMatchObject({
      latestVersion: 1,
      versions: [
        { version: 1, personalisation: ['occurredAt', 'reasonCode', 'referralId', 'referralUrl', 'status'] },
      ],
    });

    const personalisation = {
      referralId: 'r-<b>1</b>',
      reasonCode: 'no-capacity',
      status: 'rejected',
      occurredAt: 'now',
      referralUrl: 'http://127.0.0.1:3001/v1/referrals/r-1',
    };
    const preview = await world.api<{ subject: string; text: string; html: string; version: number }>(
      'POST',
      '/v1/notification-templates/referral-rejected/preview',
      token,
      { personalisation, version: 1 },
    );
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe('Referral r-<b>1</b> was rejected');
    expect(preview.body.text).toContain('Reason code: no-capacity');
    expect(preview.body.html).toContain('r-&lt;b&gt;1&lt;/b&gt;');
    expect(preview.body.html).not.toContain('<b>1</b>');

    const missing = await world.api<{ errors: Array<{ field: string }> }>(
      'POST',
      '/v1/notification-templates/referral-rejected/preview',
      token,
      { personalisation: { referralId: 'r-1' } },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e) => e.field)).toEqual([
      'personalisation.occurredAt',
      'personalisation.reasonCode',
      'personalisation.referralUrl',
      'personalisation.status',
    ]);
    expect(
      (await world.api('POST', '/v1/notification-templates/nope/preview', token, { personalisation: {} }))
        .status,
    ).toBe(404);
    expect(
      (
        await world.api('POST', '/v1/notification-templates/referral-rejected/preview', token, {
          personalisation,
          version: 9,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await world.api('POST', '/v1/notification-templates/referral-rejected/preview', token, {
          personalisation: 'x',
        })
      ).status,
    ).toBe(400);
  });
});
