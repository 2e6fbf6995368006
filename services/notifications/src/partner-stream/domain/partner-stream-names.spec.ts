import { isStreamableOrganisationId, partnerAcls, partnerStreamNames } from './partner-stream-names';

describe('partner stream names and ACLs', () => {
  const org = '3f2c9a4e-0d1b-4c55-9a8e-6f1d2b3c4d5e';

  it('derives user, topic and prefix from the organisation id', () => {
    expect(partnerStreamNames(org)).toEqual({
      username: `partner-${org}-1`,
      topic: `sp.partner.${org}.referrals.v1`,
      prefix: `sp.partner.${org}.`,
    });
  });

  it('names a new user per credential generation, on the same topic and prefix', () => {
    const third = partnerStreamNames(org, 3);
    expect(third.username).toBe(`partner-${org}-3`);
    expect(third.topic).toBe(partnerStreamNames(org).topic);
    expect(() => partnerStreamNames(org, 0)).toThrow(RangeError);
  });

  it('grants read and describe on its topic prefix and read on its group prefix, nothing else', () => {
    const principal = `User:partner-${org}-2`;
    const prefix = `sp.partner.${org}.`;
    expect(partnerAcls(org, `partner-${org}-2`)).toEqual([
      { principal, resource: 'topic', prefix, operation: 'read' },
      { principal, resource: 'topic', prefix, operation: 'describe' },
      { principal, resource: 'group', prefix, operation: 'read' },
    ]);
  });

  it("refuses ids that could reach into another organisation's prefix or break topic names", () => {
    for (const bad of ['a.b', '', 'a b', 'a/b', 'x'.repeat(201), 'é']) {
      expect(isStreamableOrganisationId(bad)).toBe(false);
      expect(() => partnerStreamNames(bad)).toThrow(RangeError);
    }
    expect(isStreamableOrganisationId('org_A-1')).toBe(true);
  });
});
