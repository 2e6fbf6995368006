import type { EthnicCategory, ReferralReasonCode, SexCode, TaskStatus } from '@sp/contracts';
import type { PopulationCodes } from '../domain/population';
import type { OutboxEntry } from '@sp/messaging';
import type { PatientContact } from '../patient-contact/domain/patient-telecom';

export type ReferralStatus = TaskStatus;
export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';

export interface Ons4 {
  lifeSatisfaction: number;
  worthwhile: number;
  happiness: number;
  anxiety: number;
}

export interface ActorRef {
  clientId: string;
  organisationId: string;
  role: 'referrer' | 'link-worker' | 'provider' | 'ops' | 'system';
  /** The person who acted, when signed in through their organisation's identity provider. */
  person?: { sub: string; name?: string };
}

/** A coding as a client sent it (system and code; display kept for reading back, never in events). */
export interface StoredCoding {
  system: string;
  code: string;
  display?: string;
}

/**
 * What was done for the patient (Gravity `resulting-activity`): a completed Procedure (id, code,
 * category, when) or only a code. Its SNOMED CT / outcome codes are also in outcome.codes.
 */
export interface ResultingActivity {
  /** The Procedure's logical id (contained in the Task as #id); absent for a coded activity. */
  procedureId?: string;
  codes: StoredCoding[];
  categories?: StoredCoding[];
  /** performedDateTime (`at`) or performedPeriod (`start`, `end`), as sent. */
  performed?: { at?: string; start?: string; end?: string };
}

/** One entry of a referral's history: every change, who made it, when, from what to what, and why. */
export interface ReferralHistoryEntry {
  /** The referral's version after this change. */
  version: number;
  at: Date;
  by: ActorRef;
  /** submitted | accepted | claimed | rejected | started | put-on-hold | resumed | completed | failed | cancelled | entered-in-error | expired | reminder-sent | consent-withdrawn | onward-created | outcome-recorded */
  action: string;
  from: ReferralStatus | null;
  to: ReferralStatus;
  reason?: { code: ReferralReasonCode; text?: string };
  /** Child referral id for onward-created. */
  childReferralId?: string;
  /** assigned | reassigned | unassigned: who holds the referral now and who did before, and why. */
  assignment?: AssignmentChange;
}

/** A change of who holds a referral within the owning organisation (a history entry's detail). */
export interface AssignmentChange {
  /** The assignment version after the change (1, 2, 3... per referral). */
  version: number;
  assignee?: { sub: string; name?: string };
  previousAssignee?: { sub: string; name?: string };
  /** REASSIGNMENT_REASON_CODES (@sp/contracts); the free text stays here, never in an event. */
  reason?: { code: string; text?: string };
}

/** The person of the owning organisation who holds the referral (its case) now. */
export interface ReferralAssignment {
  assigneeSub: string;
  assigneeName?: string;
  assignedAt: Date;
  assignedBy: ActorRef;
  /** Assignment version (counts every assign, reassign and unassign of this referral). */
  version: number;
}

/** A coded concept as the referrer sent it (FHIR CodeableConcept): codings, and text if any. */
export interface CodedConcept {
  codings: { system: string; code: string; display?: string }[];
  text?: string;
}

/**
 * Why the referral was made beyond its need codes (FHIR intake, HL7 Gravity): the codes of the
 * Conditions it gave as reasons and the descriptions of its Goals. Patient data: kept in this
 * service only; events carry the derived need codes, never these.
 */
export interface ReferralReasons {
  conditions: CodedConcept[];
  goals: CodedConcept[];
  /** NEED_MAPPING_VERSION (@sp/contracts) the needs were derived with. */
  needMappingVersion: string;
}

/**
 * The referred patient. sex, postcode (normalised "TS1 1AA"; removed on consent withdrawal) and
 * ethnicCategory are optional at intake; none of them leaves this service (events carry codes only).
 */
export interface ReferralPatient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex?: SexCode;
  postcode?: string;
  ethnicCategory?: EthnicCategory;
}

/** A referral as stored by the referrals service (the only place patient details live). */
export interface ReferralDocument {
  _id: string;
  status: ReferralStatus;
  /** Incremented on every change; the FHIR versionId / ETag and the If-Match precondition. */
  version: number;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  requesterClientId: string;
  /** Directory service addressed; absent for an open referral until it is claimed. */
  targetServiceId?: string;
  /** Organisation that runs the target service (FHIR Task.owner); absent while open. */
  ownerOrganisationId?: string;
  /** Onward referrals: the parent (Task.partOf / ServiceRequest.basedOn) and the children. */
  parentReferralId?: string;
  childReferralIds: string[];
  /** The rejected onward referral this one re-routes. */
  reroutedFromReferralId?: string;
  needs: string[];
  priority: Priority;
  patient: ReferralPatient;
  patientKey: string;
  /**
   * The coarse population codes of the referral (age band at submission, sex, IMD decile looked up
   * from the postcode, ethnic category), derived once at intake: every event that carries them uses
   * these. Absent on referrals stored before they existed.
   */
  population?: PopulationCodes;
  consent: {
    given: boolean;
    recordedBy: string;
    recordedAt: Date;
    scope: string;
    withdrawnAt?: Date;
    withdrawnBy?: ActorRef;
  };
  doNotContact: boolean;
  /**
   * The patient's mobile (E.164) and email, for patient notifications through GOV.UK Notify: read
   * only through the audited internal API, never in events, removed on consent withdrawal.
   */
  patientContact?: PatientContact;
  /** Referrer's free-text note for the receiver (never leaves this service in an event). */
  note?: string;
  /** Task.statusReason of the latest reasoned move. */
  statusReason?: { code: ReferralReasonCode; text?: string };
  /** Task.output: what was done, coded (activities: Gravity resulting activities, recorded over FHIR). */
  outcome?: { codes: string[]; note?: string; activities?: ResultingActivity[] };
  /** ONS4 at start and follow-up. */
  wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
  /**
   * When the patient was first reached (the first `reached` contact's time, case record). Set
   * once; later contacts and corrections leave it.
   */
  firstContactAt?: Date;
  /**
   * Case-record writes taken on this referral (ReferralRepository.holdForCaseRecordWrite): a
   * counter written in each write's transaction so that it conflicts with consent withdrawal's.
   * Not a version: ETags and history ignore it.
   */
  caseRecordWrites?: number;
  /**
   * Case record: the end of the earliest due day among the support plan's open (planned or
   * in-progress) actions; absent when none is open. Maintained with the actions (same
   * transaction); the caseload's overdue filter reads it.
   */
  planNextDueAt?: Date;
  /** Response deadline: rejected with no-response if neither accepted nor rejected by then. */
  respondBy: Date;
  /** When the reminder is due. */
  remindAt: Date;
  /** FHIR ServiceRequest.identifier / If-None-Exist business identifier, when a FHIR client gave one. */
  identifiers?: { system: string; value: string }[];
  /** The referrer's Conditions and Goals (FHIR intake), when it sent any. */
  reasons?: ReferralReasons;
  /**
   * The client's Idempotency-Key (`fhir:<If-None-Exist>` for FHIR, `onward:<key>:<i>` for the i-th
   * child of an onward referral); absent when none was sent. Referrals stored before the partial
   * unique index may hold an `auto:<id>` placeholder instead (read as a key like any other).
   */
  idempotencyKey?: string;
  /** SHA-256 of the request body that created it: the same key with a different body is refused. */
  requestFingerprint: string;
  createdAt: Date;
  updatedAt: Date;
  history: ReferralHistoryEntry[];
  /**
   * Who holds the referral in the owning organisation; null once unassigned (absent: never
   * assigned). The last assignment version is kept in `assignmentVersion`.
   */
  assignment?: ReferralAssignment | null;
  /** Assignment changes so far (the version of the latest assign, reassign or unassign). */
  assignmentVersion?: number;
  outbox: OutboxEntry[];
  /** True while the outbox holds entries the relay has not published (set with outboxInsertFields / outboxUpdate). */
  outboxPending?: boolean;
  /** Outbox relay bookkeeping: the id of the last relay pass that published from this document. */
  outboxRelayPass?: string;
}
