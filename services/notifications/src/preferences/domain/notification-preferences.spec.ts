import { defaultPreferences, effectivePreferences, preferenceProblems } from './notification-preferences';

describe('notification preferences', () => {
  it('defaults: email for new referrals, reminders, cancellations and outcomes; no digest; quiet 21:00-08:00', () => {
    const prefs = defaultPreferences('org-1');
    expect(prefs.email.digest).toBe('off');
    expect(prefs.email.address).toBeUndefined();
    expect(prefs.email.kinds).toMatchObject({
      'referral.submitted': true,
      'referral.reminder-due': true,
      'referral.cancelled': true,
      'referral.accepted': true,
      'referral.rejected': true,
      'referral.completed': true,
      'referral.put-on-hold': false,
    });
    expect(prefs.patientSms.quietHours).toEqual({ start: '21:00', end: '08:00' });
  });

  it('fills what an organisation did not set from the defaults; null quiet hours means none', () => {
    const prefs = effectivePreferences('org-1', {
      email: { address: 'team@example.org', kinds: { 'referral.started': false } },
      patientSms: { quietHours: null },
    });
    expect(prefs.email.address).toBe('team@example.org');
    expect(prefs.email.kinds['referral.started']).toBe(false);
    expect(prefs.email.kinds['referral.submitted']).toBe(true);
    expect(prefs.patientSms.quietHours).toBeNull();
  });

  it('names every problem: unknown kinds, critical kinds switched off, bad and empty quiet hours', () => {
    expect(
      preferenceProblems({
        email: {
          kinds: { 'referral.teleported': true, 'referral.cancelled': false, 'referral.accepted': false },
        },
        patientSms: { quietHours: { start: '25:00', end: '8:00' } },
      }).map((p) => [p.field, p.code]),
    ).toEqual([
      ['email.kinds.referral.teleported', 'unknown_kind'],
      ['email.kinds.referral.cancelled', 'critical_kind'],
      ['patientSms.quietHours.start', 'bad_time'],
      ['patientSms.quietHours.end', 'bad_time'],
    ]);
    expect(preferenceProblems({ patientSms: { quietHours: { start: '22:00', end: '22:00' } } })).toEqual([
      expect.objectContaining({ field: 'patientSms.quietHours', code: 'empty_window' }),
    ]);
    expect(preferenceProblems({ email: { kinds: { 'referral.cancelled': true } } })).toEqual([]);
  });
});
