import type { OutboxEntry } from '@sp/messaging';

export type OrganisationKind = 'gp-practice' | 'link-worker-service' | 'vcs';

/** An organisation in the directory. The outbox holds its not-yet-published events. */
export interface OrganisationDocument {
  _id: string;
  name: string;
  kind: OrganisationKind;
  odsCode?: string;
  charityNumber?: string;
  status: 'active' | 'suspended';
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  /** True while the outbox holds entries the relay has not published (set with outboxInsertFields / outboxUpdate). */
  outboxPending?: boolean;
  /** Outbox relay bookkeeping: the id of the last relay pass that published from this document. */
  outboxRelayPass?: string;
}

/** A service an organisation offers (the HSDS `service`, reduced to what the skeleton needs). */
export interface ServiceDocument {
  _id: string;
  organisationId: string;
  name: string;
  description: string;
  status: 'active' | 'inactive' | 'defunct' | 'temporarily closed';
  taxonomyTermIds: string[];
  minimumAge?: number;
  maximumAge?: number;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEntry[];
  /** True while the outbox holds entries the relay has not published (set with outboxInsertFields / outboxUpdate). */
  outboxPending?: boolean;
  /** Outbox relay bookkeeping: the id of the last relay pass that published from this document. */
  outboxRelayPass?: string;
}
