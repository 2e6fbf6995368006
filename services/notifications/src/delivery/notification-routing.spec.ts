import { onwardOutcomeRecipient, recipientsFor } from './notification-routing';

const gp = 'org-gp';
const vcs = 'org-vcs';

describe('recipientsFor', () => {
  it('sends a new referral to the receiving side: owner, else the service, else nobody (open)', () => {
    expect(
      recipientsFor('referral.submitted', {
        requesterOrganisationId: gp,
        targetServiceId: 'svc-1',
        ownerOrganisationId: vcs,
      }),
    ).toEqual([{ organisationId: vcs }]);
    expect(
      recipientsFor('referral.submitted', { requesterOrganisationId: gp, targetServiceId: 'svc-1' }),
    ).toEqual([{ serviceId: 'svc-1' }]);
    expect(recipientsFor('referral.submitted', { requesterOrganisationId: gp })).toEqual([]);
  });

  it('nudges the receiving side when a reminder is due', () => {
    expect(
      recipientsFor('referral.reminder-due', { requesterOrganisationId: gp, ownerOrganisationId: vcs }),
    ).toEqual([{ organisationId: vcs }]);
  });

  it.each([
    'referral.accepted',
    'referral.rejected',
    'referral.expired',
    'referral.started',
    'referral.put-on-hold',
    'referral.resumed',
    'referral.completed',
    'referral.failed',
  ])('closes the loop: %s goes back to the referrer', (kind) => {
    expect(
      recipientsFor(kind, {
        requesterOrganisationId: gp,
        ownerOrganisationId: vcs,
        actor: { organisationId: vcs },
      }),
    ).toEqual([{ organisationId: gp }]);
  });

  it('tells the other side of a cancellation, never the side that cancelled', () => {
    const event = { requesterOrganisationId: gp, ownerOrganisationId: vcs };
    expect(recipientsFor('referral.cancelled', { ...event, actor: { organisationId: gp } })).toEqual([
      { organisationId: vcs },
    ]);
    expect(recipientsFor('referral.cancelled', { ...event, actor: { organisationId: vcs } })).toEqual([
      { organisationId: gp },
    ]);
    expect(recipientsFor('referral.cancelled', { ...event, actor: { organisationId: 'platform' } })).toEqual([
      { organisationId: gp },
      { organisationId: vcs },
    ]);
  });

  it('ignores events that notify nobody', () => {
    expect(recipientsFor('referral.onward-created', { requesterOrganisationId: gp })).toEqual([]);
  });

  describe('onward outcomes', () => {
    const pcn = 'org-pcn';
    const child = { requesterOrganisationId: pcn, ownerOrganisationId: vcs, parentReferralId: 'ref-parent' };

    it('tells the first referrer of the chain how an onward referral ended', () => {
      for (const kind of ['referral.completed', 'referral.failed', 'referral.rejected', 'referral.expired']) {
        expect(onwardOutcomeRecipient(kind, { ...child, actor: { organisationId: vcs } })).toEqual({
          rootRequesterOf: 'ref-parent',
          except: [pcn, vcs],
        });
      }
    });

    it('says nothing for referrals made directly, or for steps that are not outcomes', () => {
      expect(onwardOutcomeRecipient('referral.completed', { requesterOrganisationId: gp })).toBeUndefined();
      expect(onwardOutcomeRecipient('referral.accepted', child)).toBeUndefined();
      expect(onwardOutcomeRecipient('referral.started', child)).toBeUndefined();
    });
  });
});
