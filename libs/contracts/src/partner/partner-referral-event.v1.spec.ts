import {
  partnerPrefix,
  partnerReferralEventProblems,
  partnerReferralEventV1Example,
  partnerReferralTopic,
} from './partner-referral-event.v1';

describe('partner referral event v1', () => {
  it('names the topic and the prefix from the organisation id', () => {
    expect(partnerReferralTopic('org-a')).toBe('sp.partner.org-a.referrals.v1');
    expect(partnerPrefix('org-a')).toBe('sp.partner.org-a.');
    expect(partnerReferralTopic('org-a').startsWith(partnerPrefix('org-a'))).toBe(true);
  });

  it('accepts its example', () => {
    expect(partnerReferralEventProblems(partnerReferralEventV1Example)).toEqual([]);
  });

  it('refuses anything beyond ids and codes (a patient key in data, an unknown attribute)', () => {
    const withPatient = {
      ...partnerReferralEventV1Example,
      data: { ...partnerReferralEventV1Example.data, patientKey: 'abc' },
    };
    expect(partnerReferralEventProblems(withPatient).map((p) => p.field)).toContain('event.data.patientKey');
    expect(
      partnerReferralEventProblems({ ...partnerReferralEventV1Example, nhsnumber: '9434765919' }),
    ).not.toEqual([]);
  });
});
