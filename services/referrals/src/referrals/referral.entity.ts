import type { OutboxEntry } from '@sp/messaging';

export type ReferralStatus = 'requested';

export interface ReferralHistoryEntry {
  at: Date;
  by: { clientId: string; organisationId: string };
  from: ReferralStatus | null;
  to: ReferralStatus;
}

/** A referral as stored by the referrals service (the only place patient details live). */
export interface ReferralDocument {
  _id: string;
  status: ReferralStatus;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  targetServiceId: string;
  needs: string[];
  priority: 'routine' | 'urgent' | 'asap' | 'stat';
  patient: { nhsNumber: string; givenName: string; familyName: string; birthDate: string };
  patientKey: string;
  consent: { given: boolean; recordedBy: string; recordedAt: Date; scope: string };
  doNotContact: boolean;
  /** The client's Idempotency-Key, or `auto:<id>` when none was sent (unique index, no partial indexes on FerretDB). */
  idempotencyKey: string;
  /** SHA-256 of the request body that created it: the same key with a different body is refused. */
  requestFingerprint: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  history: ReferralHistoryEntry[];
  outbox: OutboxEntry[];
  /** True while the outbox holds entries the relay has not published (set with outboxInsertFields / outboxUpdate). */
  outboxPending?: boolean;
  /** Outbox relay bookkeeping: the id of the last relay pass that published from this document. */
  outboxRelayPass?: string;
}
