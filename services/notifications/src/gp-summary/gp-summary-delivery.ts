import { ReferralGpSummaryIssuedV1, type ReferralGpSummaryIssuedV1Data } from '@sp/contracts';
import type { DeliveryJobData } from '../delivery/delivery.job';

/** The envelope fields a delivery carries for tracing. */
interface TraceSource {
  id: string;
  correlationid: string;
  traceparent?: string;
}

/**
 * One delivery, to the referring practice only (the summary is addressed to it, whoever closed
 * the referral: unlike lifecycle notices, it also goes to a practice that cancelled its own).
 */
export function gpSummaryDelivery(
  data: ReferralGpSummaryIssuedV1Data,
  envelope: TraceSource,
): DeliveryJobData {
  return {
    kind: ReferralGpSummaryIssuedV1.name,
    eventId: envelope.id,
    referralId: data.referralId,
    recipient: { organisationId: data.recipientOrganisationId },
    occurredAt: data.occurredAt,
    trace: {
      correlationId: envelope.correlationid,
      causationId: envelope.id,
      ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
    },
  };
}
