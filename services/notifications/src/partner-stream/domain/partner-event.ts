// The CloudEvent a partner reads for one organisation notice (CloudEvents 1.0; Kafka protocol
// binding, binary content mode). Thin: ids, codes and times only, never patient data or free text;
// the partner reads details through the authorised APIs. Pure rules, no framework imports.
import type { OrganisationNotice } from '../../dispatch/organisation-notice';

export const PARTNER_EVENT_SOURCE = '/social-prescribing/notifications';

export interface PartnerEventData {
  referralId: string;
  kind: string;
  status?: string;
  reasonCode?: string;
}

export interface PartnerEventAttributes {
  specversion: '1.0';
  /** The notice id: stable per event and recipient, so consumers dedupe on it. */
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extensions (lower-case alphanumerics per the spec): tracing and the source event. */
  correlationid: string;
  causationid: string;
  traceparent?: string;
  data: PartnerEventData;
}

export function partnerEventFor(notice: OrganisationNotice): PartnerEventAttributes {
  return {
    specversion: '1.0',
    id: notice.id,
    type: notice.eventType,
    source: PARTNER_EVENT_SOURCE,
    subject: `referrals/${notice.referralId}`,
    time: notice.occurredAt,
    datacontenttype: 'application/json',
    correlationid: notice.trace.correlationId,
    causationid: notice.eventId,
    ...(notice.trace.traceparent ? { traceparent: notice.trace.traceparent } : {}),
    data: {
      referralId: notice.referralId,
      kind: notice.kind,
      ...(notice.status ? { status: notice.status } : {}),
      ...(notice.reasonCode ? { reasonCode: notice.reasonCode } : {}),
    },
  };
}
