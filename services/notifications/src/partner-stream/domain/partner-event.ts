// The CloudEvent a partner reads for one organisation notice: the contract is
// PartnerReferralEventV1 in @sp/contracts (CloudEvents 1.0, Kafka binding, structured mode). Thin:
// ids, codes and times only, never patient data or free text; the partner reads details through
// the authorised APIs. Pure rules, no framework imports.
import type { PartnerReferralEventV1 } from '@sp/contracts';
import type { OrganisationNotice } from '../../dispatch/organisation-notice';

export const PARTNER_EVENT_SOURCE = '/social-prescribing/notifications';

export function partnerEventFor(notice: OrganisationNotice): PartnerReferralEventV1 {
  return {
    specversion: '1.0',
    // The notice id: stable per event and recipient, so consumers dedupe on it.
    id: notice.id,
    type: notice.eventType,
    source: PARTNER_EVENT_SOURCE,
    subject: `referrals/${notice.referralId}`,
    time: notice.occurredAt,
    datacontenttype: 'application/json',
    correlationid: notice.trace.correlationId,
    causationid: notice.eventId,
    ...(notice.trace.traceparent ? { traceparent: notice.trace.traceparent } : {}),
    // The record key (one referral's events stay in order on one partition).
    partitionkey: notice.referralId,
    data: {
      referralId: notice.referralId,
      kind: notice.kind,
      ...(notice.status ? { status: notice.status } : {}),
      ...(notice.reasonCode ? { reasonCode: notice.reasonCode } : {}),
    },
  };
}
