import { createHash } from 'node:crypto';
import type { ReferralReasonCode, TaskStatus } from '@sp/contracts';

/**
 * The message back to the GP (PRSB Social Prescribing Information Standard, "message back to GP
 * and referrer"): when a referral closes, the referring practice gets a coded summary of who took
 * it on, what support was offered, how it ended and the national SNOMED CT codes for its record.
 * Pure domain code: no framework imports; unit-tested in gp-summary.spec.ts.
 *
 * National SNOMED CT codes used (UK edition; verified against published code lists, see
 * docs/referrals.md "Message back to the GP"). No other SNOMED code is emitted: an unverified
 * code in a GP record is worse than none.
 */
export const SNOMED = {
  referralToSocialPrescribing: {
    code: '871731000000106',
    display: 'Referral to social prescribing service',
  },
  socialPrescribingDeclined: { code: '871711000000103', display: 'Social prescribing declined' },
} as const;

export interface RecordCode {
  code: string;
  display: string;
}

/** Statuses that close a referral and produce a summary (entered-in-error is a correction, not a close). */
export const CLOSING_STATUSES = ['completed', 'rejected', 'cancelled', 'failed'] as const;
export type ClosingStatus = (typeof CLOSING_STATUSES)[number];

export function isClosingStatus(status: TaskStatus): status is ClosingStatus {
  return (CLOSING_STATUSES as readonly string[]).includes(status);
}

export type ClosingRole = 'referrer' | 'link-worker' | 'provider' | 'ops' | 'system';

/** The closing move as its lifecycle event reports it. */
export interface ClosingFact {
  referralId: string;
  /** The referral's version after the closing change. */
  version: number;
  toStatus: ClosingStatus;
  /** Closed by the response deadline (referral.expired). */
  expired: boolean;
  reasonCode?: ReferralReasonCode;
  outcomeCodes: string[];
  closedBy: { organisationId: string; role: ClosingRole };
  occurredAt: string;
}

/** What the summary needs of the referral that closed (never its patient details). */
export interface ClosedReferral {
  _id: string;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  parentReferralId?: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  needs: string[];
  outcome?: { codes: string[]; note?: string };
}

/** The practice's own referral at the top of the tree (the referral itself when not onward). */
export interface RootReferral {
  _id: string;
  requesterOrganisationId: string;
  requesterOdsCode: string;
}

/** The summary as stored (the FHIR Communication is rendered from it). */
export interface GpSummary {
  _id: string;
  referralId: string;
  /** The referral's version after the closing change (the one the summary reports). */
  referralVersion: number;
  rootReferralId: string;
  parentReferralId?: string;
  recipient: { organisationId: string; odsCode: string };
  targetServiceId?: string;
  ownerOrganisationId?: string;
  closingStatus: ClosingStatus;
  expired: boolean;
  closedBy: { organisationId: string; role: ClosingRole };
  reasonCode?: ReferralReasonCode;
  outcomeCodes: string[];
  /** The provider's outcome note (FHIR only; never in an event). */
  outcomeNote?: string;
  needs: string[];
  /** National SNOMED CT codes for the GP record. */
  recordCodes: RecordCode[];
  closedAt: string;
}

/**
 * The summary's id: a name-based UUID of the referral (a closed referral never reopens, so there
 * is one summary per referral). Deterministic, so every instance that handles the closing event
 * (redelivery, rebalance) computes the same id and the insert happens once.
 */
export function summaryIdFor(referralId: string): string {
  const hex = createHash('sha256').update(`gp-summary:${referralId}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The codes for the GP record. The patient declining (at any closing move) is recorded as
 * "Social prescribing declined"; every other close records the "Referral to social prescribing
 * service" the summary reports on, its outcome carried by the status, reason and outcome codes.
 */
export function recordCodesFor(fact: Pick<ClosingFact, 'reasonCode'>): RecordCode[] {
  if (fact.reasonCode === 'patient-declined') return [{ ...SNOMED.socialPrescribingDeclined }];
  return [{ ...SNOMED.referralToSocialPrescribing }];
}

/** Builds the summary of a closed referral, addressed to the practice that made the root referral. */
export function buildGpSummary(fact: ClosingFact, referral: ClosedReferral, root: RootReferral): GpSummary {
  const outcome = fact.toStatus === 'completed' ? referral.outcome : undefined;
  return {
    _id: summaryIdFor(referral._id),
    referralId: referral._id,
    referralVersion: fact.version,
    rootReferralId: root._id,
    ...(referral.parentReferralId ? { parentReferralId: referral.parentReferralId } : {}),
    recipient: { organisationId: root.requesterOrganisationId, odsCode: root.requesterOdsCode },
    ...(referral.targetServiceId ? { targetServiceId: referral.targetServiceId } : {}),
    ...(referral.ownerOrganisationId ? { ownerOrganisationId: referral.ownerOrganisationId } : {}),
    closingStatus: fact.toStatus,
    expired: fact.expired,
    closedBy: fact.closedBy,
    ...(fact.reasonCode ? { reasonCode: fact.reasonCode } : {}),
    outcomeCodes: fact.toStatus === 'completed' ? fact.outcomeCodes : [],
    ...(outcome?.note ? { outcomeNote: outcome.note } : {}),
    needs: referral.needs,
    recordCodes: recordCodesFor(fact),
    closedAt: fact.occurredAt,
  };
}

/** Who may read a summary: the practice it is addressed to and the organisation(s) that closed it. */
export function summaryReaders(summary: GpSummary): string[] {
  const readers = new Set([summary.recipient.organisationId]);
  if (summary.ownerOrganisationId) readers.add(summary.ownerOrganisationId);
  if (summary.closedBy.role !== 'system') readers.add(summary.closedBy.organisationId);
  return [...readers];
}

const ROLE_WORDS: Record<ClosingRole, string> = {
  referrer: 'the referring practice',
  'link-worker': 'the social prescribing link worker service',
  provider: 'the community service',
  ops: 'platform operations',
  system: 'the platform (response deadline)',
};

const STATUS_WORDS: Record<ClosingStatus, string> = {
  completed: 'completed',
  rejected: 'declined by the receiving service',
  cancelled: 'cancelled',
  failed: 'ended without the support being delivered',
};

/** A plain-language account for the clinician reading the record (FHIR payload and narrative). */
export function summaryText(summary: GpSummary): string {
  const status = summary.expired
    ? 'closed because nobody answered before the response deadline'
    : STATUS_WORDS[summary.closingStatus];
  const parts = [
    `Social prescribing referral ${status}, closed by ${ROLE_WORDS[summary.closedBy.role]}.`,
    summary.targetServiceId
      ? `Support offered: directory service ${summary.targetServiceId} for ${summary.needs.join(', ')}.`
      : `Needs referred: ${summary.needs.join(', ')} (no service took it on).`,
  ];
  if (summary.reasonCode) parts.push(`Reason: ${summary.reasonCode}.`);
  if (summary.outcomeCodes.length > 0) parts.push(`Outcome: ${summary.outcomeCodes.join(', ')}.`);
  if (summary.outcomeNote) parts.push(`Note from the service: ${summary.outcomeNote}`);
  parts.push(`Record: ${summary.recordCodes.map((c) => `${c.code} ${c.display}`).join('; ')}.`);
  return parts.join(' ');
}
