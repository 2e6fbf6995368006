import { acknowledgerOf, canSee } from './inbox-viewer';

describe('inbox viewer', () => {
  const team = { recipientOrganisationId: 'org-a' };
  const forAli = { recipientOrganisationId: 'org-a', recipientPersonSub: 'ali' };

  it("lets the organisation's system see every notice of its organisation, none of another's", () => {
    expect(canSee({ organisationId: 'org-a' }, team)).toBe(true);
    expect(canSee({ organisationId: 'org-a' }, forAli)).toBe(true);
    expect(canSee({ organisationId: 'org-b' }, team)).toBe(false);
  });

  it("lets a person see the organisation's notices and their own, not a colleague's", () => {
    expect(canSee({ organisationId: 'org-a', personSub: 'ali' }, team)).toBe(true);
    expect(canSee({ organisationId: 'org-a', personSub: 'ali' }, forAli)).toBe(true);
    expect(canSee({ organisationId: 'org-a', personSub: 'bea' }, forAli)).toBe(false);
    expect(canSee({ organisationId: 'org-b', personSub: 'ali' }, forAli)).toBe(false);
  });

  it('records the person when there is one, else the API client', () => {
    expect(acknowledgerOf({ organisationId: 'org-a', personSub: 'ali' }, 'portal')).toBe('ali');
    expect(acknowledgerOf({ organisationId: 'org-a' }, 'system-a')).toBe('system-a');
  });
});
