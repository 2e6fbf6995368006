import type { ReferralReasonCode, TaskStatus } from '@sp/contracts';
import type { Actor } from '../domain/referral-intake.rules';
import type { Action } from '../domain/task-lifecycle';
import type { Ons4, Priority, ReferralDocument, ReferralReasons, ResultingActivity } from './referral.entity';
import type { PatientContact } from '../patient-contact/domain/patient-telecom';

/**
 * The application boundary of the referrals service: the JSON API (`/v1/referrals`) and the FHIR
 * API (`/fhir`) are two views over these operations and the one model behind them. Every
 * operation enforces access (a practice: its own referrals; a provider: referrals owned by its
 * services and open ones it may claim; ops: all), writes the audit log, and stores each referral's
 * change with its history entry and its events in one document write, guarded by the version it
 * was decided on; onward referral and consent withdrawal change several referrals in one
 * transaction. Errors are DomainErrors with stable codes.
 */

/** A referral as asked for, already the right shape (each API validates its own wire format). */
export interface ReferralIntake {
  /** sex (AdministrativeGender), postcode and ethnicCategory (NHS code) are optional and checked by the intake rules. */
  patient: { nhsNumber: string; givenName: string; familyName: string; birthDate: string } & Partial<
    Record<'sex' | 'postcode' | 'ethnicCategory', string>
  >;
  requesterOdsCode: string;
  /** Absent: an open referral any eligible provider may claim. */
  targetServiceId?: string;
  needs: string[];
  priority: Priority;
  consent: { given: boolean; recordedBy: string; recordedAt: string; scope: string };
  doNotContact?: boolean;
  /** The patient's mobile and email for patient notifications (validated, normalised). */
  patientContact?: PatientContact;
  note?: string;
  identifiers?: { system: string; value: string }[];
  /** FHIR intake: the Conditions and Goals behind the needs (stored, never in events). */
  reasons?: ReferralReasons;
}

export interface CreateReferralInput {
  intake: ReferralIntake;
  actor: Actor;
  /** Idempotency-Key, or `fhir:<If-None-Exist query>` for FHIR conditional create. */
  idempotencyKey?: string;
  /** The raw request body (hashed: the same key with a different body is refused with 422). */
  rawBody: unknown;
}

export interface TransitionInput {
  referralId: string;
  actor: Actor;
  action: Action;
  reason?: { code: ReferralReasonCode; text?: string };
  outcome?: { codes: string[]; note?: string; activities?: ResultingActivity[] };
  wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
  /** If-Match: the version the caller last saw; a different current version fails with 412. */
  expectedVersion?: number;
}

export interface ClaimInput {
  referralId: string;
  actor: Actor;
  /** The claimant's own service that will take the open referral (must be eligible). */
  serviceId: string;
  expectedVersion?: number;
}

export interface OnwardReferralInput {
  parentReferralId: string;
  actor: Actor;
  targets: { targetServiceId: string; needs?: string[]; priority?: Priority; note?: string }[];
  /** Re-route: the rejected child these replace (one target only). */
  reroutedFromReferralId?: string;
  idempotencyKey?: string;
  rawBody: unknown;
}

export interface ReferralSearch {
  ownerOrganisationId?: string;
  /** true: only open referrals (no owner yet, FHIR `owner:missing=true`); false: only owned ones. */
  ownerMissing?: boolean;
  requesterOrganisationId?: string;
  targetServiceId?: string;
  status?: TaskStatus[];
  parentReferralId?: string;
  /** The pseudonymous patient key (patientKeyFor of the NHS number): one patient's referrals. */
  patientKey?: string;
  /** Only these referrals (FHIR `_id`); an empty list matches none. */
  ids?: string[];
  /** Exclusive lower bound on updatedAt (`_lastUpdated=gt...`). */
  updatedAfter?: Date;
  updatedBefore?: Date;
  /** Page size (1-100, default 20) and zero-based offset. */
  count?: number;
  offset?: number;
}

export interface ReferralPage {
  total: number;
  items: ReferralDocument[];
}

export interface CreateResult {
  created: boolean;
  referral: ReferralDocument;
}

export interface ReferralOperations {
  create(input: CreateReferralInput): Promise<CreateResult>;
  get(referralId: string, actor: Actor): Promise<ReferralDocument>;
  search(query: ReferralSearch, actor: Actor): Promise<ReferralPage>;
  transition(input: TransitionInput): Promise<ReferralDocument>;
  claim(input: ClaimInput): Promise<ReferralDocument>;
  createOnward(
    input: OnwardReferralInput,
  ): Promise<{ parent: ReferralDocument; children: ReferralDocument[] }>;
  withdrawConsent(input: {
    referralId: string;
    actor: Actor;
    expectedVersion?: number;
  }): Promise<ReferralDocument>;
  /** The referral's children, for showing their statuses on the parent. */
  children(referralId: string, actor: Actor): Promise<ReferralDocument[]>;
}

/** Nest injection token for the ReferralOperations implementation. */
export const REFERRAL_OPERATIONS = Symbol('REFERRAL_OPERATIONS');
