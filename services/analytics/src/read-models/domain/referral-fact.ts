import type { AgeBand, EthnicCategory, SexCode, TaskStatus } from '@sp/contracts';

/**
 * What analytics keeps about one referral: ids of organisations and services, codes and times,
 * never a patient identifier (no patient key, NHS number, name, birth date or postcode). Built
 * from the lifecycle topic by commutative, idempotent updates (each field is set by the one kind
 * of event that owns it, times with $min), so events applied twice or out of order (a rebuild
 * running beside the live consumer) give the same document.
 *
 * Shared by the projection (read-models/) and the reports (reports/): the contract between them.
 */
export interface Ons4 {
  lifeSatisfaction: number;
  worthwhile: number;
  happiness: number;
  anxiety: number;
}

export interface PopulationFact {
  ageBand: AgeBand;
  sex: SexCode;
  imdDecile?: number;
  ethnicCategory?: EthnicCategory;
}

export interface ReferralFact {
  /** The referral id. */
  referralId: string;
  requesterOrganisationId?: string;
  requesterOdsCode?: string;
  targetServiceId?: string;
  /** The organisation acting on it (Task.owner) per the latest event that named one. */
  ownerOrganisationId?: string;
  /** For an onward referral: the referral it was made from. */
  parentReferralId?: string;
  needs?: string[];
  priority?: string;
  /** Absent for referrals submitted before population codes (submitted v1) and after consent withdrawal. */
  population?: PopulationFact;
  submittedAt?: Date;
  respondBy?: Date;
  acceptedAt?: Date;
  rejectedAt?: Date;
  /** Coded reason of a rejection by the receiver (not set for expiry). */
  rejectionReason?: string;
  /** Rejected by the platform because nobody answered before respondBy (reason no-response). */
  expiredAt?: Date;
  /** First move to in-progress. */
  startedAt?: Date;
  /** When the patient was first reached (referral.first-contact-made). */
  firstContactAt?: Date;
  completedAt?: Date;
  outcomeCodes?: string[];
  wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
  cancelledAt?: Date;
  cancellationReason?: string;
  failedAt?: Date;
  failureReason?: string;
  /** Entered in error: excluded from every report. */
  enteredInErrorAt?: Date;
  consentWithdrawnAt?: Date;
  /** Onward referrals made from this one (ids of children). */
  onwardReferralIds?: string[];
  /** Status after the highest-version event applied, and that version. */
  status?: TaskStatus;
  version?: number;
}

/** A referral refused at intake by its target service (referral.refused): unmet demand. */
export interface RefusalFact {
  refusalId: string;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  targetServiceId: string;
  ownerOrganisationId?: string;
  needs: string[];
  priority: string;
  reasonCodes: string[];
  population: PopulationFact;
  occurredAt: Date;
}

/** One capacity report of a service (service.capacity-changed): the waitlist over time. */
export interface CapacitySample {
  /** The event id: one sample per event. */
  eventId: string;
  serviceId: string;
  organisationId: string;
  capacityStatus: string;
  caseload: number;
  waitlistLength: number;
  maximum?: number;
  occurredAt: Date;
}
