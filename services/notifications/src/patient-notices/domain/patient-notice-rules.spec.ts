import { decidePatientNotice, type PatientContactFacts } from './patient-notice-rules';

const given: PatientContactFacts = {
  phone: '+447700900123',
  email: 'a@example.org',
  doNotContact: false,
  consent: 'given',
};

describe('decidePatientNotice', () => {
  it('texts the mobile when there is one, else emails, for a new and an accepted referral', () => {
    expect(decidePatientNotice('referral.submitted', given)).toEqual({
      action: 'send',
      channel: 'sms',
      template: 'patient-referral-made-sms',
    });
    expect(decidePatientNotice('referral.accepted', { ...given, phone: undefined })).toEqual({
      action: 'send',
      channel: 'email',
      template: 'patient-referral-accepted-email',
    });
  });

  it('suppresses with the reason: consent withdrawn or not given, do not contact, no details', () => {
    expect(decidePatientNotice('referral.submitted', { ...given, consent: 'withdrawn' })).toEqual({
      action: 'suppress',
      reason: 'consent-withdrawn',
    });
    expect(decidePatientNotice('referral.submitted', { ...given, consent: 'not-given' })).toEqual({
      action: 'suppress',
      reason: 'consent-not-given',
    });
    expect(decidePatientNotice('referral.submitted', { ...given, doNotContact: true })).toEqual({
      action: 'suppress',
      reason: 'do-not-contact',
    });
    expect(decidePatientNotice('referral.accepted', { doNotContact: false, consent: 'given' })).toEqual({
      action: 'suppress',
      reason: 'no-contact-details',
    });
  });

  it('checks consent before anything else (a withdrawn referral with do-not-contact says consent)', () => {
    expect(
      decidePatientNotice('referral.submitted', { ...given, consent: 'withdrawn', doNotContact: true }),
    ).toEqual({
      action: 'suppress',
      reason: 'consent-withdrawn',
    });
  });

  it('tells patients about nothing else', () => {
    expect(decidePatientNotice('referral.rejected', given)).toBeUndefined();
    expect(decidePatientNotice('referral.completed', given)).toBeUndefined();
  });
});
