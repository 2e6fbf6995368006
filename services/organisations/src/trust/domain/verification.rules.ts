// Whether an organisation is verified, from its assurance evidence. Pure: no clock, no storage.
//
// Rules
// - A voluntary and community sector organisation (kind `vcs`, or any organisation without an ODS
//   code) must hold all four kinds of evidence (EVIDENCE_TYPES), each verified by operations, not
//   revoked and not expired. Evidence is valid strictly before its expiry: at `expiresAt` itself it
//   has expired. Every kind except `registered-charity-or-company` must carry an expiry (a policy,
//   DBS check or insurance certificate is only ever current for a period).
// - An NHS organisation (kind `gp-practice` or `link-worker-service`) with an ODS code is verified
//   by its NHS registration: the ODS code stands for the assurance the NHS already does, so no VCS
//   evidence is required (any it records is kept but not needed).
// - verifiedUntil is the earliest expiry among the required evidence (absent when none expires).
import { EVIDENCE_TYPES, type EvidenceType } from '@sp/contracts';
import type { ActingPerson } from '../../audit/acting-person';

export type EvidenceStatus = 'current' | 'revoked';

/** One piece of verified evidence as stored. */
export interface EvidenceRecord {
  reference: string;
  verifiedBy: string;
  /** The signed-in person behind verifiedBy / revokedBy, when there was one (audit). */
  verifiedByPerson?: ActingPerson;
  verifiedAt: string;
  expiresAt?: string;
  status: EvidenceStatus;
  revokedBy?: string;
  revokedByPerson?: ActingPerson;
  revokedAt?: string;
}

export type EvidenceProblem = 'missing' | 'expired' | 'revoked';

export interface Verification {
  verified: boolean;
  /** How it is verified: by evidence, or by NHS registration (ODS code). */
  basis: 'evidence' | 'nhs-ods' | 'none';
  verifiedUntil?: string;
  problems: { evidenceType: EvidenceType; problem: EvidenceProblem }[];
}

export interface OrganisationProfile {
  kind?: string;
  odsCode?: string;
}

export const NHS_KINDS = ['gp-practice', 'link-worker-service'] as const;

/** Evidence kinds that may be recorded without an expiry. */
export const NON_EXPIRING_EVIDENCE: readonly EvidenceType[] = ['registered-charity-or-company'];

export function isNhsVerifiable(org: OrganisationProfile): boolean {
  return (NHS_KINDS as readonly string[]).includes(org.kind ?? '') && Boolean(org.odsCode);
}

export function requiredEvidence(org: OrganisationProfile): readonly EvidenceType[] {
  return isNhsVerifiable(org) ? [] : EVIDENCE_TYPES;
}

export function evidenceProblem(record: EvidenceRecord | undefined, now: Date): EvidenceProblem | null {
  if (!record) return 'missing';
  if (record.status === 'revoked') return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return null;
}

export function computeVerification(
  org: OrganisationProfile,
  evidence: Partial<Record<EvidenceType, EvidenceRecord>>,
  now: Date,
): Verification {
  if (isNhsVerifiable(org)) return { verified: true, basis: 'nhs-ods', problems: [] };
  const problems: Verification['problems'] = [];
  let earliest: number | undefined;
  for (const type of requiredEvidence(org)) {
    const record = evidence[type];
    const problem = evidenceProblem(record, now);
    if (problem) problems.push({ evidenceType: type, problem });
    else if (record?.expiresAt !== undefined) {
      const at = Date.parse(record.expiresAt);
      earliest = earliest === undefined ? at : Math.min(earliest, at);
    }
  }
  if (problems.length > 0) return { verified: false, basis: 'none', problems };
  return {
    verified: true,
    basis: 'evidence',
    ...(earliest !== undefined ? { verifiedUntil: new Date(earliest).toISOString() } : {}),
    problems: [],
  };
}

/**
 * What is announced about a verification: `verified` with its verifiedUntil, or `unverified`.
 * An event goes out when this changes: becoming verified, becoming unverified, or a renewal that
 * moves verifiedUntil. Problems changing while an organisation stays unverified (evidence being
 * added during onboarding) announce nothing. Never announced counts as `unverified`: a new
 * organisation is unverified until it is verified, without an event saying so.
 */
export function verificationAnnouncement(v: Verification): string {
  return v.verified ? `verified:${v.verifiedUntil ?? 'open-ended'}` : 'unverified';
}

export const NEVER_ANNOUNCED = 'unverified';
