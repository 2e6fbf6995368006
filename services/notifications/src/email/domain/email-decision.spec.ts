import {
  defaultPreferences,
  EMAIL_KINDS,
  effectivePreferences,
} from '../../preferences/domain/notification-preferences';
import { decideEmail, templateForKind } from './email-decision';

const org = 'org-1';
const notice = (kind: string, critical = false) => ({ kind, critical });

describe('email decision', () => {
  it.each([
    'referral.submitted',
    'referral.reminder-due',
    'referral.cancelled',
    'referral.accepted',
    'referral.rejected',
    'referral.started',
    'referral.completed',
    'referral.failed',
    'referral.expired',
    'referral.onward-outcome',
  ])('sends %s by default', (kind) => {
    expect(decideEmail(notice(kind, kind === 'referral.cancelled'), defaultPreferences(org))).toEqual({
      action: 'send',
      template: templateForKind(kind),
    });
  });

  it('does not email progress that is not an outcome unless asked, and ignores kinds that are not emails', () => {
    expect(decideEmail(notice('referral.put-on-hold'), defaultPreferences(org))).toEqual({
      action: 'suppress',
      reason: 'preference',
    });
    const asked = effectivePreferences(org, { email: { kinds: { 'referral.put-on-hold': true } } });
    expect(decideEmail(notice('referral.put-on-hold'), asked).action).toBe('send');
    expect(decideEmail(notice('referral.assigned'), defaultPreferences(org))).toEqual({ action: 'ignore' });
  });

  it('suppresses a kind switched off, with the reason', () => {
    const prefs = effectivePreferences(org, { email: { kinds: { 'referral.accepted': false } } });
    expect(decideEmail(notice('referral.accepted'), prefs)).toEqual({
      action: 'suppress',
      reason: 'preference',
    });
    expect(decideEmail(notice('referral.rejected'), prefs).action).toBe('send');
  });

  it('always sends critical notices: cancellations, and anything caused by consent withdrawal', () => {
    const everythingOff = effectivePreferences(org, {
      email: { kinds: Object.fromEntries(EMAIL_KINDS.map((k) => [k, false])), digest: 'daily' },
    });
    expect(decideEmail(notice('referral.cancelled', true), everythingOff).action).toBe('send');
    expect(decideEmail(notice('referral.entered-in-error', true), everythingOff).action).toBe('send');
    // A stored 'off' for a critical kind (from before it became critical) is not honoured either.
    expect(everythingOff.email.kinds['referral.cancelled']).toBe(true);
    expect(decideEmail(notice('referral.rejected', true), everythingOff).action).toBe('send');
  });

  it('leaves new referrals and reminders to the daily digest when it is on; outcomes still go at once', () => {
    const digest = effectivePreferences(org, { email: { digest: 'daily' } });
    expect(decideEmail(notice('referral.submitted'), digest)).toEqual({
      action: 'suppress',
      reason: 'digest',
    });
    expect(decideEmail(notice('referral.reminder-due'), digest)).toEqual({
      action: 'suppress',
      reason: 'digest',
    });
    expect(decideEmail(notice('referral.accepted'), digest).action).toBe('send');
    expect(decideEmail(notice('referral.cancelled', true), digest).action).toBe('send');
  });
});
