import { mayClaim, partiesOf } from './referral-access';

const referral = { requesterOrganisationId: 'org-gp', ownerOrganisationId: 'org-vcs' };

describe('referral access', () => {
  it('the requesting practice is the requester, the owning organisation the receiver', () => {
    expect(partiesOf(referral, { organisationId: 'org-gp', role: 'referrer' })).toEqual(['requester']);
    expect(partiesOf(referral, { organisationId: 'org-vcs', role: 'provider' })).toEqual(['receiver']);
  });
  it('a link worker holding a referral it also made is both', () => {
    expect(
      partiesOf(
        { requesterOrganisationId: 'pcn', ownerOrganisationId: 'pcn' },
        { organisationId: 'pcn', role: 'link-worker' },
      ),
    ).toEqual(['requester', 'receiver']);
  });
  it('ops is ops whatever its organisation; others are nobody', () => {
    expect(partiesOf(referral, { organisationId: 'org-gp', role: 'ops' })).toEqual(['ops']);
    expect(partiesOf(referral, { organisationId: 'org-other', role: 'referrer' })).toEqual([]);
    expect(partiesOf(referral, { organisationId: 'org-other', role: 'provider' })).toEqual([]);
  });
  it('an open referral has no receiver yet', () => {
    expect(
      partiesOf({ requesterOrganisationId: 'org-gp' }, { organisationId: 'org-vcs', role: 'provider' }),
    ).toEqual([]);
  });
  it('only receiving roles may claim', () => {
    expect(mayClaim({ organisationId: 'x', role: 'provider' })).toBe(true);
    expect(mayClaim({ organisationId: 'x', role: 'link-worker' })).toBe(true);
    expect(mayClaim({ organisationId: 'x', role: 'referrer' })).toBe(false);
    expect(mayClaim({ organisationId: 'x', role: 'ops' })).toBe(false);
  });
});
