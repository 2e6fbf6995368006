import type { OrganisationNotice } from '../../dispatch/organisation-notice';
import { shouldDisableForFailures, verdictOf } from './delivery-rules';
import { isWebhookEventKind, WEBHOOK_EVENT_KINDS } from './event-kinds';
import { isSubscribed, messageIdFor, payloadFor } from './webhook-message';

const notice: OrganisationNotice = {
  id: 'ev-1:org-gp',
  eventId: 'ev-1',
  kind: 'referral.rejected',
  eventType: 'org.socialprescribing.referral.rejected.v1',
  referralId: 'r-1',
  organisationId: 'org-gp',
  status: 'rejected',
  reasonCode: 'no-capacity',
  occurredAt: '2026-12-01T10:00:00.000Z',
  critical: false,
  trace: { correlationId: 'c-1', causationId: 'ev-1' },
};

describe('webhook messages', () => {
  it('carry the kind, time, ids and codes only', () => {
    expect(payloadFor(notice)).toEqual({
      type: 'referral.rejected',
      timestamp: '2026-12-01T10:00:00.000Z',
      data: { referralId: 'r-1', eventId: 'ev-1', status: 'rejected', reasonCode: 'no-capacity' },
    });
    const { status: _s, reasonCode: _r, ...bare } = notice;
    expect(payloadFor(bare).data).toEqual({ referralId: 'r-1', eventId: 'ev-1' });
  });

  it('have one id per notice and endpoint, usable as a job id', () => {
    const id = messageIdFor(notice.id, 'ep-1');
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(messageIdFor(notice.id, 'ep-1')).toBe(id);
    expect(messageIdFor(notice.id, 'ep-2')).not.toBe(id);
    expect(messageIdFor('ev-2:org-gp', 'ep-1')).not.toBe(id);
  });

  it('go to enabled endpoints subscribed to the kind (no list: every kind)', () => {
    expect(isSubscribed({ enabled: true, eventTypes: [] }, 'referral.rejected')).toBe(true);
    expect(isSubscribed({ enabled: true, eventTypes: ['referral.rejected'] }, 'referral.rejected')).toBe(
      true,
    );
    expect(isSubscribed({ enabled: true, eventTypes: ['referral.accepted'] }, 'referral.rejected')).toBe(
      false,
    );
    expect(isSubscribed({ enabled: false, eventTypes: [] }, 'referral.rejected')).toBe(false);
  });
});

describe('attempt verdicts and disabling', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [410, 'gone'],
    [301, 'retry'],
    [400, 'retry'],
    [404, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [undefined, 'retry'],
  ])('status %s -> %s', (status, verdict) => {
    expect(verdictOf(status)).toBe(verdict);
  });

  it('disables an endpoint only once it has failed for longer than the limit', () => {
    const since = new Date('2026-12-01T00:00:00Z');
    const day = 24 * 3600_000;
    expect(shouldDisableForFailures(undefined, new Date('2026-12-09T00:00:00Z'), 5 * day)).toBe(false);
    expect(shouldDisableForFailures(since, new Date('2026-12-06T00:00:00Z'), 5 * day)).toBe(false);
    expect(shouldDisableForFailures(since, new Date('2026-12-06T00:00:01Z'), 5 * day)).toBe(true);
  });
});

describe('webhook event kinds', () => {
  it('are the referral lifecycle kinds from the contracts and the onward outcome notice', () => {
    expect(WEBHOOK_EVENT_KINDS).toEqual(
      expect.arrayContaining([
        'referral.submitted',
        'referral.rejected',
        'referral.cancelled',
        'referral.onward-outcome',
      ]),
    );
    expect(isWebhookEventKind('referral.teleported')).toBe(false);
    expect(WEBHOOK_EVENT_KINDS.every((k) => k.startsWith('referral.'))).toBe(true);
  });
});
