import { createEnvelope, ReferralGpSummaryIssuedV1, type EventEnvelope } from '@sp/contracts';
import type { OutboxRelay } from '@sp/messaging';
import { eventMetaFromContext } from '@sp/messaging';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import { EVENT_SOURCE } from '../../referrals/referral-events';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { ReferralRepository } from '../../referrals/referral.repository';
import { buildGpSummary, type ClosingFact, type GpSummary, type RootReferral } from '../domain/gp-summary';
import type { GpSummaryRepository } from '../gp-summary.repository';

/** The platform itself: summaries are issued by the service, not by a caller. */
const ISSUER = { clientId: 'platform', organisationId: 'platform', role: 'system' } as const;

/** Onward referrals nest a few levels at most; a longer chain is a data error, not a loop to follow. */
const MAX_DEPTH = 20;

export type IssueOutcome = 'issued' | 'already-issued' | 'unknown-referral';

/**
 * Issues the message back to the GP for a referral that closed. It runs from the referral's own
 * closing event (referral.completed / rejected / cancelled / failed / expired), which every
 * closing path writes atomically with the change (JSON API, FHIR Task update, deadline worker,
 * consent withdrawal, onward referrals closing): so every close gets a summary, whatever path it
 * took. Delivery is at least once; the summary's id is derived from the referral and inserted
 * with its event in one write, so a second delivery, on this instance or another, issues nothing.
 */
export class IssueGpSummaryUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'findById'>,
    private readonly summaries: Pick<GpSummaryRepository, 'insertOnce'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  async execute(fact: ClosingFact): Promise<IssueOutcome> {
    const referral = await this.referrals.findById(fact.referralId);
    if (!referral) return 'unknown-referral';
    const root = await this.rootOf(referral);
    const summary = buildGpSummary(fact, referral, root);
    const outcome = await this.summaries.insertOnce(summary, [issuedEvent(summary)]);
    if (outcome === 'exists') return 'already-issued';
    this.relay.kick();
    await this.audit.record({
      actor: ISSUER,
      action: 'referral.gp-summary-issued',
      referralId: referral._id,
      outcome: 'allowed',
    });
    return 'issued';
  }

  /** The practice's referral at the top of the onward chain (the referral itself when it has no parent). */
  private async rootOf(referral: ReferralDocument): Promise<RootReferral> {
    let current = referral;
    for (let depth = 0; current.parentReferralId && depth < MAX_DEPTH; depth += 1) {
      const parent = await this.referrals.findById(current.parentReferralId);
      if (!parent) break;
      current = parent;
    }
    return {
      _id: current._id,
      requesterOrganisationId: current.requesterOrganisationId,
      requesterOdsCode: current.requesterOdsCode,
    };
  }
}

/** The event: ids and codes only (no patient details, no note). */
export function issuedEvent(summary: GpSummary): EventEnvelope {
  return createEnvelope(
    ReferralGpSummaryIssuedV1,
    {
      summaryId: summary._id,
      referralId: summary.referralId,
      rootReferralId: summary.rootReferralId,
      recipientOrganisationId: summary.recipient.organisationId,
      recipientOdsCode: summary.recipient.odsCode,
      ...(summary.targetServiceId ? { targetServiceId: summary.targetServiceId } : {}),
      ...(summary.ownerOrganisationId ? { ownerOrganisationId: summary.ownerOrganisationId } : {}),
      closingStatus: summary.closingStatus,
      expired: summary.expired,
      closedBy: summary.closedBy,
      ...(summary.reasonCode ? { reasonCode: summary.reasonCode } : {}),
      outcomeCodes: summary.outcomeCodes,
      recordCodes: summary.recordCodes.map((c) => c.code),
      occurredAt: summary.closedAt,
    },
    eventMetaFromContext(EVENT_SOURCE),
  );
}
