// Notification preferences on the real stack: the API (own organisation; ops any), its 400/422
// answers naming each problem and changing nothing, and the email channel obeying what was set:
// a kind switched off is suppressed (the ledger says why), the override address wins over the
// directory's, and a critical kind cannot be switched off and is sent.
import { randomUUID } from 'node:crypto';
import { ReferralAcceptedV1, ReferralCancelledV1, ReferralRejectedV1 } from '@sp/contracts';
import { waitFor } from '@sp/testing';
import { NotificationStatusRepository } from '../src/notification-status/notification-status.repository';
import { mailTo, startEmailWorld, waitForMail, type EmailWorld } from './support/email-world';

jest.setTimeout(120_000);

const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';
const PATH = '/v1/notification-preferences';

interface Preferences {
  organisationId: string;
  email: { address?: string; kinds: Record<string, boolean>; digest: string };
  patientSms: { quietHours: { start: string; end: string } | null };
  criticalKinds: string[];
}
interface Problem {
  code: string;
  errors: Array<{ field: string; code: string; message: string }>;
}

describe('notification preferences', () => {
  let world: EmailWorld;

  beforeAll(async () => {
    world = await startEmailWorld('notif-prefs');
  });

  afterAll(async () => {
    await world?.close();
  });

  const outcome = (
    contract: typeof ReferralAcceptedV1 | typeof ReferralRejectedV1,
    gp: string,
    vcs: string,
  ) => {
    const common = {
      referralId: randomUUID(),
      version: 2,
      requesterOrganisationId: gp,
      ownerOrganisationId: vcs,
      patientKey: PATIENT_KEY,
      submittedAt: new Date(Date.now() - 3600_000).toISOString(),
      occurredAt: new Date().toISOString(),
      fromStatus: 'requested' as const,
      actor: { organisationId: vcs, role: 'provider' as const },
    };
    return contract === ReferralAcceptedV1
      ? world.event(ReferralAcceptedV1, { ...common, toStatus: 'accepted', claimed: false })
      : world.event(ReferralRejectedV1, { ...common, toStatus: 'rejected', reasonCode: 'not-eligible' });
  };

  it('answers the defaults to an organisation that set nothing, its own only (ops any)', async () => {
    const gp = await world.organisation('gp-defaults', false);
    const token = await world.token(gp.id, 'referrer');
    const own = await world.api<Preferences>('GET', PATH, token);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      organisationId: gp.id,
      email: {
        digest: 'off',
        kinds: { 'referral.submitted': true, 'referral.accepted': true, 'referral.put-on-hold': false },
      },
      patientSms: { quietHours: { start: '21:00', end: '08:00' } },
      criticalKinds: ['referral.cancelled', 'referral.entered-in-error'],
    });
    expect(own.body.email.address).toBeUndefined();
    expect((await world.api('GET', `${PATH}?organisationId=someone-else`, token)).status).toBe(403);
    expect((await world.api('PUT', `${PATH}?organisationId=someone-else`, token, {})).status).toBe(403);
    const ops = await world.token('platform', 'ops');
    expect(
      (await world.api<Preferences>('GET', `${PATH}?organisationId=${gp.id}`, ops)).body.organisationId,
    ).toBe(gp.id);
  });

  it('refuses rule-breaking changes with 422 naming each problem, malformed ones with 400, and changes nothing', async () => {
    const gp = await world.organisation('gp-bad', false);
    const token = await world.token(gp.id, 'referrer');
    const broken = await world.api<Problem>('PUT', PATH, token, {
      email: {
        kinds: { 'referral.teleported': true, 'referral.cancelled': false, 'referral.accepted': false },
      },
      patientSms: { quietHours: { start: '25:00', end: '7pm' } },
    });
    expect(broken.status).toBe(422);
    expect(broken.body.errors.map((e) => [e.field, e.code])).toEqual([
      ['email.kinds.referral.teleported', 'unknown_kind'],
      ['email.kinds.referral.cancelled', 'critical_kind'],
      ['patientSms.quietHours.start', 'bad_time'],
      ['patientSms.quietHours.end', 'bad_time'],
    ]);
    const malformed = await world.api<Problem>('PUT', PATH, token, {
      email: { digest: 'weekly', address: 'not-an-address', colour: 'blue' },
      patientSms: { quietHours: { start: '21:00' } },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e) => e.field).sort()).toEqual(
      ['email.address', 'email.colour', 'email.digest', 'patientSms.quietHours.end'].sort(),
    );
    // Nothing changed: still the defaults.
    const after = await world.api<Preferences>('GET', PATH, token);
    expect(after.body.email.kinds['referral.accepted']).toBe(true);
    expect(after.body.patientSms.quietHours).toEqual({ start: '21:00', end: '08:00' });
  });

  it('suppresses a kind switched off (ledger: suppressed, preference), sends the rest to the override address, and always sends critical kinds', async () => {
    const gp = await world.organisation('gp-choosy');
    const vcs = await world.organisation('vcs-choosy');
    const override = `inbox.${world.run}@example.org`.toLowerCase();
    const token = await world.token(gp.id, 'referrer');
    const put = await world.api<Preferences>('PUT', PATH, token, {
      email: { address: override, kinds: { 'referral.accepted': false, 'referral.cancelled': true } },
      patientSms: { quietHours: null },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      email: { address: override, kinds: { 'referral.accepted': false, 'referral.cancelled': true } },
      patientSms: { quietHours: null },
    });
    expect((await world.api<Preferences>('GET', PATH, token)).body).toEqual(put.body);

    const accepted = outcome(ReferralAcceptedV1, gp.id, vcs.id);
    const rejected = outcome(ReferralRejectedV1, gp.id, vcs.id);
    const cancelledId = randomUUID();
    const cancelled = world.event(ReferralCancelledV1, {
      referralId: cancelledId,
      version: 3,
      requesterOrganisationId: gp.id,
      ownerOrganisationId: vcs.id,
      patientKey: PATIENT_KEY,
      submittedAt: new Date(Date.now() - 3600_000).toISOString(),
      occurredAt: new Date().toISOString(),
      fromStatus: 'accepted',
      toStatus: 'cancelled',
      actor: { organisationId: vcs.id, role: 'provider' },
      reasonCode: 'patient-declined',
    });
    await world.publish([accepted, rejected, cancelled]);

    const mails = await waitForMail(override, 2, 'rejected and cancelled at the override address');
    expect(mails.map((m) => m.Subject).sort()).toEqual(
      [
        `Referral ${rejected.subject.replace('referrals/', '')} was rejected`,
        `Referral ${cancelledId} was cancelled`,
      ].sort(),
    );
    const statuses = world.app.get(NotificationStatusRepository);
    const acceptedEntry = await waitFor(
      () => statuses.findOne(`${accepted.id}:${gp.id}`, 'email', 'contact-email'),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'the accepted notice in the ledger',
      },
    );
    expect(acceptedEntry).toMatchObject({
      status: 'suppressed',
      reason: 'preference',
      kind: 'referral.accepted',
    });
    // Nothing went to the directory address, and the accepted one went nowhere.
    expect(await mailTo(gp.email)).toHaveLength(0);
    expect((await mailTo(override)).some((m) => m.Subject.includes('accepted'))).toBe(false);

    // Switching a critical kind off is refused, and the stored preferences stay as they were.
    const refused = await world.api<Problem>('PUT', PATH, token, {
      email: { kinds: { 'referral.cancelled': false } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'email.kinds.referral.cancelled', code: 'critical_kind' }),
    ]);
    expect((await world.api<Preferences>('GET', PATH, token)).body.email.address).toBe(override);

    // Back to the directory's address: the override is dropped by a PUT without it.
    await world.api('PUT', PATH, token, {});
    await world.publish([outcome(ReferralRejectedV1, gp.id, vcs.id)]);
    await waitForMail(gp.email, 1, 'mail at the directory address again');
  });
});
