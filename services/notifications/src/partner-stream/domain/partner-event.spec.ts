import { partnerReferralEventProblems } from '@sp/contracts';
import type { OrganisationNotice } from '../../dispatch/organisation-notice';
import { partnerEventFor } from './partner-event';

describe('partner CloudEvent for a notice', () => {
  const notice: OrganisationNotice = {
    id: 'e1:org-a',
    eventId: 'e1',
    kind: 'referral.rejected',
    eventType: 'org.socialprescribing.referral.rejected.v1',
    referralId: 'r1',
    organisationId: 'org-a',
    status: 'rejected',
    reasonCode: 'sp-reason-capacity',
    occurredAt: '2026-12-03T10:00:00.000Z',
    critical: false,
    trace: {
      correlationId: 'c1',
      causationId: 'x1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
  };

  it('carries ids, codes and time only: the notice id as id, the source event type, the referral as subject', () => {
    expect(partnerEventFor(notice)).toEqual({
      specversion: '1.0',
      id: 'e1:org-a',
      type: 'org.socialprescribing.referral.rejected.v1',
      source: '/social-prescribing/notifications',
      subject: 'referrals/r1',
      time: '2026-12-03T10:00:00.000Z',
      datacontenttype: 'application/json',
      correlationid: 'c1',
      causationid: 'e1',
      traceparent: notice.trace.traceparent,
      partitionkey: 'r1',
      data: {
        referralId: 'r1',
        kind: 'referral.rejected',
        status: 'rejected',
        reasonCode: 'sp-reason-capacity',
      },
    });
  });

  it('leaves out status and reason when the event has none', () => {
    const { status: _s, reasonCode: _r, ...bare } = notice;
    expect(partnerEventFor({ ...bare, kind: 'referral.submitted' }).data).toEqual({
      referralId: 'r1',
      kind: 'referral.submitted',
    });
  });

  it('keeps the PartnerReferralEventV1 contract, with and without the optional fields', () => {
    expect(partnerReferralEventProblems(partnerEventFor(notice))).toEqual([]);
    const { status: _s, reasonCode: _r, trace: _t, ...bare } = notice;
    expect(
      partnerReferralEventProblems(
        partnerEventFor({ ...bare, trace: { correlationId: 'c', causationId: 'x' } }),
      ),
    ).toEqual([]);
  });
});
