import type { ReferralGpSummaryIssuedV1Data } from '@sp/contracts';
import { deliveryJobId } from '../delivery/delivery.job';
import { gpSummaryDelivery } from './gp-summary-delivery';

describe('GP summary delivery', () => {
  const data: ReferralGpSummaryIssuedV1Data = {
    summaryId: '0b6f0e9c-3f5a-5d2e-8f4a-2c1d9e8b7a65',
    referralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    rootReferralId: '6f1c2b1e-8a3d-4c55-9a0e-1d2f3a4b5c6d',
    recipientOrganisationId: 'org-riverside-practice',
    recipientOdsCode: 'A81001',
    closingStatus: 'cancelled',
    expired: false,
    closedBy: { organisationId: 'org-riverside-practice', role: 'referrer' },
    reasonCode: 'patient-declined',
    outcomeCodes: [],
    recordCodes: ['871711000000103'],
    occurredAt: '2026-12-01T10:00:00.000Z',
  };
  const envelope = { id: 'evt-1', correlationid: 'corr-1' };

  it('goes to the referring practice, even when the practice closed the referral itself', () => {
    const job = gpSummaryDelivery(data, envelope);
    expect(job).toMatchObject({
      kind: 'referral.gp-summary-issued',
      eventId: 'evt-1',
      referralId: data.referralId,
      recipient: { organisationId: 'org-riverside-practice' },
      occurredAt: data.occurredAt,
      trace: { correlationId: 'corr-1', causationId: 'evt-1' },
    });
  });

  it('has one job id per event and practice (a redelivered event adds nothing)', () => {
    const a = gpSummaryDelivery(data, envelope);
    const b = gpSummaryDelivery(data, envelope);
    expect(deliveryJobId(a.eventId, a.recipient)).toBe(deliveryJobId(b.eventId, b.recipient));
  });
});
